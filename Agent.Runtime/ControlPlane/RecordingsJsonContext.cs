using System.Text.Json.Serialization;

namespace Agent.Runtime.ControlPlane;

/// <summary>Source-generated JSON of the recordings list.</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IReadOnlyList<RecordingSummary>))]
internal sealed partial class RecordingsJsonContext : JsonSerializerContext;
