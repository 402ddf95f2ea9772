using System.Buffers;
using System.Runtime.CompilerServices;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// The reading side of a session: one loop reads frames and dispatches them by type (data and window updates to
/// their streams, pings, go-away). Anything the peer gets wrong is a <see cref="YamuxProtocolException"/> that ends
/// the session with a go-away (protocol error); the end of the transport ends it too. Nothing throws out of the loop.
/// </summary>
internal sealed class YamuxReadLoop
{
    private readonly YamuxSession _session;
    private readonly Stream _transport;
    private readonly YamuxStreamTable _streams;
    private readonly YamuxPings _pings;
    private readonly YamuxOptions _options;
    private readonly CancellationToken _cancellationToken;

    public YamuxReadLoop(YamuxSession session, Stream transport, YamuxStreamTable streams, YamuxPings pings, YamuxOptions options, CancellationToken cancellationToken)
    {
        _session = session;
        _transport = transport;
        _streams = streams;
        _pings = pings;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    /// <summary>Reads and dispatches frames until the transport ends, fails or the peer breaks the protocol.</summary>
    public async Task RunAsync()
    {
        var reader = new YamuxFrameReader(_transport, _cancellationToken);
        try
        {
            while (true)
            {
                if (!await reader.FillAsync(YamuxFrameHeader.Size, atFrameStart: true))
                {
                    var graceful = _streams.IsGoingAway;
                    _session.Terminate(graceful ? "transport closed after go-away" : "transport closed by the peer", null, faulted: !graceful);
                    return;
                }

                var header = reader.TakeHeader();
                await DispatchAsync(header, reader);
            }
        }
        catch (YamuxProtocolException e)
        {
            _session.Terminate($"protocol error: {e.Message}", YamuxGoAwayCode.ProtocolError, faulted: true);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or NotSupportedException)
        {
            _session.Terminate($"transport read failed: {e.Message}", null, faulted: true, e);
        }
        finally
        {
            reader.Dispose();
        }
    }

    // One frame by type (header layout in YamuxFrameHeader, after hashicorp/yamux spec.md):
    //   Data (0):          length = payload bytes that follow, within the stream's window; flags SYN/ACK/FIN/RST apply.
    //   Window Update (1): length = window delta for the stream, no payload; flags as for Data.
    //   Ping (2):          stream 0, length = opaque value; SYN asks for an echo, ACK is the echo of ours.
    //   Go Away (3):       stream 0, length = error code (0 normal, 1 protocol error, 2 internal error).
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask DispatchAsync(YamuxFrameHeader header, YamuxFrameReader reader)
    {
        if (header.Version != YamuxFrameHeader.ProtocolVersion)
            throw new YamuxProtocolException($"unsupported version {header.Version}");
        switch (header.Type)
        {
            case YamuxFrameType.Data:
                {
                    if (header.Length > (uint)_options.MaxWindow)
                        throw new YamuxProtocolException($"data frame of {header.Length} bytes on stream {header.StreamId} exceeds the largest window ({_options.MaxWindow})");
                    var stream = _streams.Resolve(header);
                    if (header.Length > 0)
                    {
                        if (stream is null)
                            await reader.SkipAsync((int)header.Length);
                        else
                            await ReceiveAsync(header, stream, reader);
                    }

                    ApplyCloseFlags(header, stream);
                    break;
                }

            case YamuxFrameType.WindowUpdate:
                {
                    var stream = _streams.Resolve(header);
                    if (stream is not null && !stream.OnWindowUpdate(header.Length))
                        throw new YamuxProtocolException($"window of stream {header.StreamId} overflows 32 bits");
                    ApplyCloseFlags(header, stream);
                    break;
                }

            case YamuxFrameType.Ping:
                _pings.OnFrame(header);
                break;
            case YamuxFrameType.GoAway:
                _session.OnGoAway((YamuxGoAwayCode)header.Length);
                break;
            default:
                throw new YamuxProtocolException($"unknown frame type {(byte)header.Type}");
        }
    }

    /// <summary>
    /// A data payload within the stream's window: straight into a waiting read's buffer when there is one (no copy),
    /// the rest into a pooled array the stream buffers.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask ReceiveAsync(YamuxFrameHeader header, YamuxStream stream, YamuxFrameReader reader)
    {
        if (!stream.TryReserveReceive(header.Length))
            throw new YamuxProtocolException($"stream {header.StreamId} sent {header.Length} bytes beyond its window");
        var length = (int)header.Length;
        _options.DataReceived?.Invoke(length);
        if (stream.TryClaimReader(length, out var destination))
        {
            await reader.ReadAsync(destination);
            stream.CompleteDirect(destination.Length);
            length -= destination.Length;
        }

        if (length == 0)
            return;
        var payload = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            await reader.ReadAsync(payload.AsMemory(0, length));
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(payload);
            throw;
        }

        stream.Deliver(payload, length);
    }

    private void ApplyCloseFlags(YamuxFrameHeader header, YamuxStream? stream)
    {
        if (stream is null)
            return;
        if ((header.Flags & YamuxFlags.Rst) != 0)
        {
            stream.Fail("stream reset by peer");
            _session.Remove(stream);
        }
        else if ((header.Flags & YamuxFlags.Fin) != 0)
        {
            stream.OnRemoteFin();
        }
    }
}
