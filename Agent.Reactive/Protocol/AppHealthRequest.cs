using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary><c>POST me/app-health</c>. Coder's Go field has no JSON tag, so the key is <c>Healths</c>.</summary>
public sealed record AppHealthRequest(
    [property: JsonPropertyName("Healths")] IReadOnlyDictionary<Guid, AppHealth> Healths);
