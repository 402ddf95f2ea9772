using Agent.Reactive.Effects;

namespace Agent.Reactive;

/// <summary>The effects a <see cref="WorkspaceAgent"/> needs from its host.</summary>
public sealed record AgentEffects(
    IControlPlaneClient ControlPlane,
    IProcessLauncher Launcher,
    IHttpProbe Probe,
    IWorkspaceFiles Files);
