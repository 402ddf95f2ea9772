using System.Text.Json.Serialization;

namespace Agent.Runtime.Terminal;

/// <summary>Source-generated JSON of the reconnecting-PTY wire protocol (Go decodes keys case-insensitively, so do we).</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true, UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(TerminalInit))]
[JsonSerializable(typeof(TerminalRequest))]
public sealed partial class TerminalJsonContext : JsonSerializerContext;
