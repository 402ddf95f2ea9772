using System.Buffers;
using System.Net.Sockets;
using System.Runtime.CompilerServices;

namespace Agent.Runtime.Relay.Splice;

/// <summary>
/// Joins two duplex streams (a relayed stream, a WebSocket, a TCP connection): bytes flow both ways, the end of
/// one side's data half-closes the other side's writing, and a failure on one side ends the other with that reason.
/// </summary>
public static class StreamSplice
{
    /// <summary>The buffer a direction starts with: enough for interactive traffic, cheap for idle connections.</summary>
    public const int InitialBufferSize = 16 * 1024;

    /// <summary>The buffer a bulk direction grows to (each read that fills the buffer quadruples it up to this).</summary>
    public const int MaxBufferSize = 512 * 1024;

    /// <summary>How long the other direction may take to end after one failed, before it is cancelled.</summary>
    public static readonly TimeSpan FailureGrace = TimeSpan.FromSeconds(2);

    /// <summary>Copies both ways until both directions ended; returns the first failure's message, or <c>null</c>.</summary>
    public static async Task<string?> RunAsync(Stream left, Stream right, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var failure = new StrongBox<string?>();
        await Task.WhenAll(CopyAsync(left, right, stop, failure), CopyAsync(right, left, stop, failure)).ConfigureAwait(false);
        return failure.Value;
    }

    /// <summary>Half-closes <paramref name="stream"/>: the peer reads the end of the data, reading goes on.</summary>
    public static async Task CompleteWritesAsync(Stream stream)
    {
        switch (stream)
        {
            case IHalfClosableStream halfClosable:
                await halfClosable.CompleteWritesAsync().ConfigureAwait(false);
                break;
            case NetworkStream network:
                network.Socket.Shutdown(SocketShutdown.Send);
                break;
            default:
                await stream.FlushAsync().ConfigureAwait(false);
                break;
        }
    }

    /// <summary>Ends <paramref name="stream"/> at once, telling the peer <paramref name="reason"/> where the stream can carry one.</summary>
    public static async Task FailAsync(Stream stream, string reason)
    {
        try
        {
            switch (stream)
            {
                case IHalfClosableStream halfClosable:
                    await halfClosable.FailAsync(reason).ConfigureAwait(false);
                    break;
                case NetworkStream network:
                    network.Socket.LingerState = new LingerOption(true, 0); // close with RST: the peer sees an error, not an end of data
                    network.Socket.Close();
                    break;
                default:
                    await stream.DisposeAsync().ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // Already gone: nothing left to end.
        }
    }

    // On a failure the first reason is kept and the other direction is stopped too.
    private static async Task CopyAsync(Stream from, Stream to, CancellationTokenSource stop, StrongBox<string?> failure)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        var read = 0;
        try
        {
            while (true)
            {
                // A read that filled the buffer means a bulk transfer: bigger reads cost fewer syscalls and frames per byte.
                if (read == buffer.Length && buffer.Length < MaxBufferSize)
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 4, MaxBufferSize));
                }

                try
                {
                    read = await from.ReadAsync(buffer, stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (IsConnectionError(e))
                {
                    await FailAsync(to, Failed(e, stop, failure)).ConfigureAwait(false);
                    return;
                }

                if (read == 0)
                {
                    try
                    {
                        await CompleteWritesAsync(to).ConfigureAwait(false);
                    }
                    catch (Exception e) when (IsConnectionError(e))
                    {
                        await FailAsync(from, Failed(e, stop, failure)).ConfigureAwait(false);
                    }

                    return;
                }

                try
                {
                    await to.WriteAsync(buffer.AsMemory(0, read), stop.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (IsConnectionError(e))
                {
                    await FailAsync(from, Failed(e, stop, failure)).ConfigureAwait(false);
                    return;
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsConnectionError(Exception e)
        => e is IOException or SocketException or ObjectDisposedException or OperationCanceledException or System.Net.WebSockets.WebSocketException;

    private static string Failed(Exception e, CancellationTokenSource stop, StrongBox<string?> failure)
    {
        var reason = e is OperationCanceledException ? "shutting down" : e.Message;
        Interlocked.CompareExchange(ref failure.Value, reason, null);

        // The other direction usually ends by itself now (a reset stream fails its reads, a WebSocket peer answers
        // our close); cancelling at once would abort a WebSocket before our close frame reached the peer.
        stop.CancelAfter(FailureGrace);
        return failure.Value!;
    }
}
