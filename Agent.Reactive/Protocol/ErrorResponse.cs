using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>Error body of the control plane (<c>codersdk.Response</c>).</summary>
public sealed record ErrorResponse(
    [property: JsonPropertyName("message")] string Message,
    [property: JsonPropertyName("detail")] string? Detail = null);
