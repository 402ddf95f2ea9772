using System.Text.Json.Serialization;

namespace Agent.Reactive.Monitoring;

/// <summary>Whether the agent currently holds a connection to the control plane.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ConnectionState>))]
public enum ConnectionState
{
    [JsonStringEnumMemberName("connecting")]
    Connecting,

    [JsonStringEnumMemberName("connected")]
    Connected,

    [JsonStringEnumMemberName("disconnected")]
    Disconnected,
}
