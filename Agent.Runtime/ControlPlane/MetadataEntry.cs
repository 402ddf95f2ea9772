using System.Text.Json.Serialization;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// One metadata item of an agent for the user API. <see cref="Result"/> is <c>null</c> until the agent
/// reports the key; its <c>age</c> is seconds since the server received the value.
/// </summary>
public sealed record MetadataEntry(
    [property: JsonPropertyName("key")] string Key,
    [property: JsonPropertyName("display_name")] string DisplayName,
    [property: JsonPropertyName("result")] MetadataResult? Result)
{
    /// <summary>Seconds between collections, as the manifest asks (the dashboard marks a value stale from it).</summary>
    [JsonPropertyName("interval")]
    public long Interval { get; init; }

    /// <summary>Seconds a collection may take, as the manifest says (0: the interval).</summary>
    [JsonPropertyName("timeout")]
    public long Timeout { get; init; }
}
