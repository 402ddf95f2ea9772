using Agent.Reactive.Protocol;

namespace Agent.Reactive.Audit;

/// <summary>
/// Where the agent's servers report the connections they serve (SSH sessions, forwards, terminals, relayed streams):
/// <see cref="Open"/> reports the connect and returns the connection, whose <see cref="AuditedConnection.Close"/> reports
/// the disconnect. Thread-safe; never blocks on the control plane.
/// </summary>
public interface IConnectionAudit
{
    /// <summary>Reports that a connection opened.</summary>
    /// <param name="type">One of <see cref="ConnectionTypes"/>.</param>
    /// <param name="ip">The peer's address; empty when there is none.</param>
    /// <param name="user">The SSH user name; empty when there is none.</param>
    /// <param name="who">The key fingerprint, or <c>token</c>.</param>
    /// <param name="what">What was asked for.</param>
    AuditedConnection Open(string type, string ip, string user, string who, string what);
}
