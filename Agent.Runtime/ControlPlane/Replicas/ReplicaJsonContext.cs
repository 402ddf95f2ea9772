using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// Source-generated JSON of the changes replicas send each other. The default encoder escapes every character outside
/// ASCII, so a change's text is ASCII and can be cut into parts anywhere.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(AgentChange))]
internal sealed partial class ReplicaJsonContext : JsonSerializerContext;
