namespace Agent.Reactive.Protocol;

/// <summary>
/// <c>POST me/connections</c>: reports in the order they happened. <see cref="Dropped"/> says how many reports the agent
/// could not keep before this batch (its queue was full, or the control plane refused a batch as too large).
/// </summary>
public sealed record ConnectionReportsRequest(IReadOnlyList<ConnectionReport> Connections, int Dropped = 0);
