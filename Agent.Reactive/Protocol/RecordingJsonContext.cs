using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>Source-generated JSON for the recording endpoints' bodies (both the agent's and the control plane's side).</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(RecordingStartRequest))]
[JsonSerializable(typeof(RecordingStartResponse))]
[JsonSerializable(typeof(RecordingChunkRequest))]
[JsonSerializable(typeof(RecordingEndRequest))]
public sealed partial class RecordingJsonContext : JsonSerializerContext;
