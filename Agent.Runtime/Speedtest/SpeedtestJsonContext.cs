using System.Text.Json.Serialization;

namespace Agent.Runtime.Speedtest;

/// <summary>Source-generated JSON of the speed test handshake (Go decodes keys case-insensitively, so do we).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(SpeedtestConfig))]
[JsonSerializable(typeof(SpeedtestConfigResponse))]
public sealed partial class SpeedtestJsonContext : JsonSerializerContext;
