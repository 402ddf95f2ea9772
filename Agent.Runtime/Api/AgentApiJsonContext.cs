using System.Text.Json.Serialization;

namespace Agent.Runtime.Api;

/// <summary>Source-generated JSON of the agent's HTTP API.</summary>
[JsonSerializable(typeof(ApiMessage))]
[JsonSerializable(typeof(ListeningPortsResponse))]
public sealed partial class AgentApiJsonContext : JsonSerializerContext;
