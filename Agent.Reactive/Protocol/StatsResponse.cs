using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>The answer to <c>POST me/report-stats</c>.</summary>
public sealed record StatsResponse(
    [property: JsonPropertyName("report_interval")][property: JsonConverter(typeof(NanosecondsConverter))] TimeSpan ReportInterval);
