using Agent.Reactive.Effects;

namespace Agent.Reactive;

/// <summary>
/// The effects a <see cref="WorkspaceAgent"/> needs from its host; <see cref="Endpoints"/>, when the agent knows several
/// control planes, is how the connection loop chooses the one <see cref="ControlPlane"/> talks to; <see cref="Resources"/>, when given,
/// samples what the manifest's <c>resources_monitoring</c> watches.
/// </summary>
public sealed record AgentEffects(
    IControlPlaneClient ControlPlane,
    IProcessLauncher Launcher,
    IHttpProbe Probe,
    IWorkspaceFiles Files,
    IControlPlaneEndpoints? Endpoints = null,
    IResourceSampler? Resources = null);
