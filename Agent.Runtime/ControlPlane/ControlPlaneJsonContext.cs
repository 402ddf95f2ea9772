using System.Text.Json.Serialization;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>Source-generated JSON of the embedded control plane: the workspace file and the user API answers.</summary>
[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip)]
[JsonSerializable(typeof(WorkspaceDefinition))]
[JsonSerializable(typeof(AgentSummary))]
[JsonSerializable(typeof(IReadOnlyList<AgentSummary>))]
[JsonSerializable(typeof(IReadOnlyList<LifecycleReport>))]
[JsonSerializable(typeof(IReadOnlyList<StartupLog>))]
[JsonSerializable(typeof(IReadOnlyList<MetadataEntry>))]
[JsonSerializable(typeof(StatsHistoryResponse))]
[JsonSerializable(typeof(IReadOnlyList<LogSourceEntry>))]
[JsonSerializable(typeof(ResourcesResponse))]
public sealed partial class ControlPlaneJsonContext : JsonSerializerContext;
