using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane;

/// <summary>One minute of <c>GET /api/v2/workspaceagents/{name}/stats</c>: bytes summed, the rest as of the minute's last window.</summary>
public sealed record StatsPoint(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("rx_bytes")] long RxBytes,
    [property: JsonPropertyName("tx_bytes")] long TxBytes,
    [property: JsonPropertyName("session_count_ssh")] int SessionCountSsh,
    [property: JsonPropertyName("session_count_vscode")] int SessionCountVsCode,
    [property: JsonPropertyName("session_count_jetbrains")] int SessionCountJetBrains,
    [property: JsonPropertyName("session_count_reconnecting_pty")] int SessionCountReconnectingPty,
    [property: JsonPropertyName("connection_median_latency_ms")] double ConnectionMedianLatencyMs);
