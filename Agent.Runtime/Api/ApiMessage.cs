using System.Text.Json.Serialization;

namespace Agent.Runtime.Api;

/// <summary>A plain <c>{"message": ...}</c> answer (the hello of <c>GET /</c>).</summary>
public sealed record ApiMessage([property: JsonPropertyName("message")] string Message);
