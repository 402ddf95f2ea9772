using System.Text.Json.Serialization;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>A watched resource turned <c>warning</c> or <c>ok</c>: when (the agent's time of the change), at what use of which threshold.</summary>
public sealed record ResourceChange(
    [property: JsonPropertyName("at")] DateTimeOffset At,
    [property: JsonPropertyName("resource")] string Resource,
    [property: JsonPropertyName("state")] ResourceState State,
    [property: JsonPropertyName("percent")] double Percent,
    [property: JsonPropertyName("threshold")] int Threshold);
