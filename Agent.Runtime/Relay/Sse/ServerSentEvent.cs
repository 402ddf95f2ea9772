namespace Agent.Runtime.Relay.Sse;

/// <summary>
/// One dispatched Server-Sent Event: its <see cref="Type"/> (<c>message</c> when the stream named none),
/// its <see cref="Data"/> (several <c>data:</c> lines joined with <c>\n</c>), the last event id seen so far,
/// and the reconnection time the stream asked for, if any.
/// </summary>
public sealed record ServerSentEvent(string Type, string Data, string LastEventId = "", TimeSpan? Retry = null);
