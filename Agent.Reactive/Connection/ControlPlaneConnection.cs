using Agent.Reactive.Protocol;

namespace Agent.Reactive.Connection;

/// <summary>
/// One healthy connection to the control plane as the connection loop sees it: the token the agent
/// talks with, the manifest (its <see cref="Manifest.Directory"/> already expanded) and when the
/// connection was made. A manifest change during the same connection keeps <see cref="ConnectedAt"/>.
/// </summary>
public sealed record ControlPlaneConnection(string SessionToken, Manifest Manifest, DateTimeOffset ConnectedAt)
{
    /// <summary>Keeps the token out of logs and debugger views.</summary>
    public override string ToString() => $"ControlPlaneConnection {{ ConnectedAt = {ConnectedAt:O}, Directory = {Manifest.Directory} }}";
}
