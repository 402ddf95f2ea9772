using Agent.Reactive.Ports;

namespace Agent.Reactive;

/// <summary>The effects a <see cref="WorkspaceAgent"/> needs from its host.</summary>
public sealed record AgentPorts(
    IControlPlaneClient ControlPlane,
    IProcessLauncher Launcher,
    IHttpProbe Probe,
    IWorkspaceFiles Files);
