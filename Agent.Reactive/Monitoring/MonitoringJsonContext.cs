using System.Text.Json.Serialization;

namespace Agent.Reactive.Monitoring;

/// <summary>Source-generated JSON for the events stream.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    PropertyNameCaseInsensitive = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AgentEvent))]
public sealed partial class MonitoringJsonContext : JsonSerializerContext;
