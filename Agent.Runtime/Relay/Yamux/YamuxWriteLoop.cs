using System.Runtime.CompilerServices;

namespace Agent.Runtime.Relay.Yamux;

/// <summary>
/// The writing side of a session: one loop writes the outbox's batches (many frames per transport write, large
/// payloads straight from their writers' memory), and a stream may write one data frame itself while the outbox is
/// idle. A write stuck beyond the options' timeout, or failing, ends the session.
/// </summary>
/// <remarks>
/// What goes out is a run of frames, each a 12-byte header (version, type, flags, stream id, length; big-endian, laid
/// out in <see cref="YamuxFrameHeader"/> after hashicorp/yamux spec.md) and, for a Data frame only, its <c>length</c>
/// payload bytes. A batch's buffer holds headers and small payloads back to back; a large payload goes between them at
/// its slot's offset, right after its own header.
/// </remarks>
internal sealed class YamuxWriteLoop
{
    private readonly YamuxSession _session;
    private readonly Stream _transport;
    private readonly YamuxOutbox _outbox;
    private readonly YamuxOptions _options;
    private readonly CancellationToken _cancellationToken;

    public YamuxWriteLoop(YamuxSession session, Stream transport, YamuxOutbox outbox, YamuxOptions options, CancellationToken cancellationToken)
    {
        _session = session;
        _transport = transport;
        _outbox = outbox;
        _options = options;
        _cancellationToken = cancellationToken;
    }

    private string StuckReason => $"transport write stuck for {_options.WriteTimeout.TotalSeconds:0.###} s";

    /// <summary>Writes batches until the outbox closes (after its queued frames when it drains) or a write fails.</summary>
    public async Task RunAsync()
    {
        YamuxOutbox.Batch? batch = null;
        try
        {
            while ((batch = await _outbox.TakeBatchAsync()) is not null)
            {
                var written = 0;
                for (var i = 0; i < batch.SlotCount; i++)
                {
                    var slot = batch[i];
                    await WriteAsync(batch.Buffer.AsMemory(written, slot.Offset - written));
                    await WriteAsync(slot.Payload);
                    batch.ReleaseSlot(i);
                    written = slot.Offset;
                }

                await WriteAsync(batch.Buffer.AsMemory(written, batch.BufferLength - written));
                await FlushAsync();
                _outbox.ReturnBatch(batch);
                batch = null;
            }
        }
        catch (TimeoutException)
        {
            _session.Terminate(StuckReason, null, faulted: true);
        }
        catch (Exception e) when (IsTransportError(e))
        {
            _session.Terminate($"transport write failed: {e.Message}", null, faulted: true, e);
        }
        finally
        {
            // Streams are failed (Terminate) before the writers of unsent payloads wake.
            if (batch is not null)
                _outbox.ReturnBatch(batch);
            _outbox.Release();
        }
    }

    /// <summary>
    /// Writes one data frame straight to the transport (the caller won <see cref="YamuxOutbox.TryBeginInline"/>);
    /// a failure ends the session and surfaces as <see cref="YamuxSessionClosedException"/>.
    /// </summary>
    public async ValueTask WriteInlineAsync(byte[] header, uint streamId, ReadOnlyMemory<byte> payload)
    {
        YamuxFrameHeader.Write(header, YamuxFrameType.Data, YamuxFlags.None, streamId, (uint)payload.Length);
        try
        {
            await WriteAsync(header);
            await WriteAsync(payload);
            await FlushAsync();
        }
        catch (TimeoutException)
        {
            var reason = StuckReason;
            _session.Terminate(reason, null, faulted: true);
            throw new YamuxSessionClosedException(reason);
        }
        catch (Exception e) when (IsTransportError(e))
        {
            var reason = $"transport write failed: {e.Message}";
            _session.Terminate(reason, null, faulted: true, e);
            throw new YamuxSessionClosedException(reason, e);
        }
    }

    private static bool IsTransportError(Exception e)
        => e is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException or NotSupportedException;

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder))]
    private async ValueTask WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        if (bytes.IsEmpty)
            return;
        var write = _transport.WriteAsync(bytes, _cancellationToken);
        if (!write.IsCompletedSuccessfully)
            await write.AsTask().WaitAsync(_options.WriteTimeout);
    }

    private ValueTask FlushAsync()
    {
        var flush = _transport.FlushAsync(_cancellationToken);
        return flush.IsCompletedSuccessfully ? ValueTask.CompletedTask : new ValueTask(flush.WaitAsync(_options.WriteTimeout));
    }
}
