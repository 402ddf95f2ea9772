using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Relay.Endpoint;

/// <summary>What the agent's end of the relay reports about relayed streams (event ids 6020–6039).</summary>
internal static partial class RelayStreamLog
{
    private static readonly Func<ILogger, uint, IDisposable?> StreamScope = LoggerMessage.DefineScope<uint>("Relayed stream {StreamId}");

    /// <summary>A scope for everything logged while serving one relayed stream (its services' lines included).</summary>
    public static IDisposable? BeginStreamScope(this ILogger logger, uint streamId) => StreamScope(logger, streamId);

    [LoggerMessage(EventId = 6020, Level = LogLevel.Debug, Message = "Relayed stream {StreamId} ended: {Reason}")]
    public static partial void StreamEnded(this ILogger logger, uint streamId, string reason);

    [LoggerMessage(EventId = 6021, Level = LogLevel.Error, Message = "Relayed stream {StreamId} failed")]
    public static partial void StreamFailed(this ILogger logger, Exception exception, uint streamId);

    [LoggerMessage(EventId = 6022, Level = LogLevel.Debug, Message = "Relayed stream {StreamId} to {Service}")]
    public static partial void StreamToService(this ILogger logger, uint streamId, string service);

    [LoggerMessage(EventId = 6023, Level = LogLevel.Debug, Message = "Relayed stream {StreamId} forwarded to {Endpoint}")]
    public static partial void StreamForwarded(this ILogger logger, uint streamId, System.Net.EndPoint? endpoint);

    [LoggerMessage(EventId = 6024, Level = LogLevel.Debug, Message = "Forward of stream {StreamId} to port {Port} ended: {Reason}")]
    public static partial void ForwardEnded(this ILogger logger, uint streamId, int port, string reason);

    [LoggerMessage(EventId = 6025, Level = LogLevel.Debug, Message = "Relay stops accepting streams: {Reason}")]
    public static partial void StopsAccepting(this ILogger logger, string reason);
}
