using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>Where a watched resource stands against its threshold (with hysteresis: see <c>ResourceHysteresis</c>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResourceState>))]
public enum ResourceState
{
    [JsonStringEnumMemberName("ok")]
    Ok = 0,

    [JsonStringEnumMemberName("warning")]
    Warning = 1,
}
