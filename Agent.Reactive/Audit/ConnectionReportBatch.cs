using Agent.Reactive.Protocol;

namespace Agent.Reactive.Audit;

/// <summary>One <c>POST me/connections</c> taken from the <see cref="ConnectionReportQueue"/>.</summary>
internal sealed record ConnectionReportBatch(ConnectionReportsRequest Request);
