namespace Agent.Runtime.Commands.PortForward;

/// <summary>
/// One direction of a relayed connection: copies a source to a destination until the source ends, then
/// half-closes the destination (a WebSocket close frame, <c>shutdown(SHUT_WR)</c> on a socket).
/// </summary>
public static class StreamPump
{
    /// <summary>The copy buffer: large enough for bulk transfers through the relay.</summary>
    public const int BufferSize = 64 * 1024;

    /// <summary>
    /// Copies <paramref name="source"/> to <paramref name="destination"/> (flushing after every chunk when
    /// <paramref name="flushEachChunk"/>), then runs <paramref name="completeDestination"/>. Returns the bytes copied.
    /// </summary>
    public static async Task<long> CopyAsync(
        Stream source, Stream destination, Func<Task> completeDestination, bool flushEachChunk, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentNullException.ThrowIfNull(completeDestination);
        var buffer = new byte[BufferSize];
        long total = 0;
        while (true)
        {
            var read = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (read == 0)
                break;
            await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            if (flushEachChunk)
                await destination.FlushAsync(cancellationToken).ConfigureAwait(false);
            total += read;
        }

        await completeDestination().ConfigureAwait(false);
        return total;
    }
}
