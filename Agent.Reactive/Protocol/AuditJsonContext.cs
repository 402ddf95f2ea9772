using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>Source-generated JSON of the connection reports (snake_case, like the rest of the agent API).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(ConnectionReportsRequest))]
[JsonSerializable(typeof(ConnectionReport))]
[JsonSerializable(typeof(IReadOnlyList<ConnectionReport>))]
public sealed partial class AuditJsonContext : JsonSerializerContext;
