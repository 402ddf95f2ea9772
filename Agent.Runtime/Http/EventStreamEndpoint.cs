namespace Agent.Runtime.Http;

/// <summary>
/// Endpoint metadata (<c>.WithMetadata(EventStreamEndpoint.Instance)</c>): this endpoint answers Server-Sent Events,
/// which a browser's <c>EventSource</c> may open from any page, so <see cref="SameOriginFilter"/> guards it like a WebSocket.
/// </summary>
internal sealed class EventStreamEndpoint
{
    private EventStreamEndpoint()
    {
    }

    public static EventStreamEndpoint Instance { get; } = new();
}
