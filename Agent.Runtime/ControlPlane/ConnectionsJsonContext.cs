using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane;

/// <summary>Source-generated JSON of the control plane's connection records.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(IReadOnlyList<ConnectionRecord>))]
internal sealed partial class ConnectionsJsonContext : JsonSerializerContext;
