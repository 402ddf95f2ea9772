using Agent.Reactive.Effects;

namespace Agent.Reactive;

/// <summary>
/// The effects a <see cref="WorkspaceAgent"/> needs from its host; <see cref="Endpoints"/>, when the agent knows several
/// control planes, is how the connection loop chooses the one <see cref="ControlPlane"/> talks to.
/// </summary>
public sealed record AgentEffects(
    IControlPlaneClient ControlPlane,
    IProcessLauncher Launcher,
    IHttpProbe Probe,
    IWorkspaceFiles Files,
    IControlPlaneEndpoints? Endpoints = null);
