using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// Source-generated JSON for every wire record (NativeAOT needs it). Keys are read case-insensitively,
/// as Coder's Go server and agent do, and unknown fields are ignored.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(Manifest))]
[JsonSerializable(typeof(StartupRequest))]
[JsonSerializable(typeof(LifecycleReport))]
[JsonSerializable(typeof(StartupLogsRequest))]
[JsonSerializable(typeof(MetadataResult))]
[JsonSerializable(typeof(AppHealthRequest))]
[JsonSerializable(typeof(Stats))]
[JsonSerializable(typeof(StatsResponse))]
[JsonSerializable(typeof(ErrorResponse))]
[JsonSerializable(typeof(GitSshKey))]
[JsonSerializable(typeof(GitAuthResponse))]
[JsonSerializable(typeof(LogsRequest))]
[JsonSerializable(typeof(ResourcesReport))]
[JsonSerializable(typeof(RecordingStartRequest))]
[JsonSerializable(typeof(RecordingStartResponse))]
[JsonSerializable(typeof(RecordingChunkRequest))]
[JsonSerializable(typeof(RecordingEndRequest))]
public sealed partial class AgentJsonContext : JsonSerializerContext;
