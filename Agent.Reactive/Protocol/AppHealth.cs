using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>Health of a workspace app, as Coder spells it on the wire.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<AppHealth>))]
public enum AppHealth
{
    [JsonStringEnumMemberName("disabled")]
    Disabled,

    [JsonStringEnumMemberName("initializing")]
    Initializing,

    [JsonStringEnumMemberName("healthy")]
    Healthy,

    [JsonStringEnumMemberName("unhealthy")]
    Unhealthy,
}
