using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// Agent lifecycle states in Coder's order (<c>codersdk.WorkspaceAgentLifecycleOrder</c>); the numeric
/// value is the position in that order, and a state may only move to an equal or later one.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<LifecycleState>))]
public enum LifecycleState
{
    [JsonStringEnumMemberName("created")]
    Created = 0,

    [JsonStringEnumMemberName("starting")]
    Starting = 1,

    [JsonStringEnumMemberName("start_timeout")]
    StartTimeout = 2,

    [JsonStringEnumMemberName("start_error")]
    StartError = 3,

    [JsonStringEnumMemberName("ready")]
    Ready = 4,

    [JsonStringEnumMemberName("shutting_down")]
    ShuttingDown = 5,

    [JsonStringEnumMemberName("shutdown_timeout")]
    ShutdownTimeout = 6,

    [JsonStringEnumMemberName("shutdown_error")]
    ShutdownError = 7,

    [JsonStringEnumMemberName("off")]
    Off = 8,
}
