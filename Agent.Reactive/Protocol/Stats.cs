using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary><c>POST me/report-stats</c> (<c>agentsdk.Stats</c>): one window of connection and session counters.</summary>
public sealed record Stats
{
    /// <summary>Connections seen in the window by protocol; <c>null</c> asks the server only for the interval.</summary>
    [JsonPropertyName("connections_by_proto")]
    public IReadOnlyDictionary<string, long>? ConnectionsByProto { get; init; }

    [JsonPropertyName("connection_count")]
    public long ConnectionCount { get; init; }

    /// <summary>Median round trip in milliseconds; -1 when nothing was measured.</summary>
    [JsonPropertyName("connection_median_latency_ms")]
    public double ConnectionMedianLatencyMs { get; init; } = -1;

    [JsonPropertyName("rx_packets")]
    public long RxPackets { get; init; }

    [JsonPropertyName("rx_bytes")]
    public long RxBytes { get; init; }

    [JsonPropertyName("tx_packets")]
    public long TxPackets { get; init; }

    [JsonPropertyName("tx_bytes")]
    public long TxBytes { get; init; }

    [JsonPropertyName("session_count_vscode")]
    public long SessionCountVsCode { get; init; }

    [JsonPropertyName("session_count_jetbrains")]
    public long SessionCountJetBrains { get; init; }

    [JsonPropertyName("session_count_reconnecting_pty")]
    public long SessionCountReconnectingPty { get; init; }

    [JsonPropertyName("session_count_ssh")]
    public long SessionCountSsh { get; init; }

    [JsonPropertyName("metrics")]
    public IReadOnlyList<AgentMetric> Metrics { get; init => field = value is null ? [] : [.. value.Where(item => item is not null)]; } = [];
}
