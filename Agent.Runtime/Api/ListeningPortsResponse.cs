using System.Text.Json.Serialization;

namespace Agent.Runtime.Api;

/// <summary>The answer of <c>GET /api/v0/listening-ports</c>.</summary>
public sealed record ListeningPortsResponse([property: JsonPropertyName("ports")] IReadOnlyList<ListeningPort> Ports);
