using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The agents' connection reports in the control plane's database (schema v4: <c>agent_connections</c> and
/// <c>agent_file_operations</c>), at most <see cref="MaxConnectionsPerAgent"/> connections per agent (the oldest go).
/// </summary>
public interface IConnectionStore
{
    /// <summary>Connections kept per agent.</summary>
    const int MaxConnectionsPerAgent = 1000;

    /// <summary>Keeps <paramref name="reports"/> of <paramref name="agent"/>, in order, all or none.</summary>
    Task AppendAsync(string agent, IReadOnlyList<ConnectionReport> reports, CancellationToken cancellationToken);

    /// <summary>The newest <paramref name="limit"/> connections of <paramref name="agent"/>, newest first, with their file operations.</summary>
    Task<IReadOnlyList<ConnectionRecord>> ReadAsync(string agent, int limit, CancellationToken cancellationToken);
}
