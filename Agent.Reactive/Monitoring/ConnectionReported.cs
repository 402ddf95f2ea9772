using Agent.Reactive.Protocol;

namespace Agent.Reactive.Monitoring;

/// <summary>A connection to the agent opened or closed (the report sent to the control plane's <c>me/connections</c>).</summary>
/// <param name="At">When.</param>
/// <param name="Report">The report.</param>
public sealed record ConnectionReported(DateTimeOffset At, ConnectionReport Report) : AgentEvent(At);
