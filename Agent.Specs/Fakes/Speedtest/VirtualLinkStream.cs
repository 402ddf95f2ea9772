using System.Text;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Fakes.Speedtest;

/// <summary>
/// A scripted peer on a link of <c>bytesPerSecond</c> in virtual time: reads first return <see cref="Handshake"/>
/// (no time passes), then <see cref="IncomingDataBytes"/> of data in chunks of <see cref="ReadChunk"/> bytes, each
/// advancing the <see cref="TestScheduler"/> by its transfer time, then the end of the stream, or, when
/// <see cref="StallAfterHandshake"/>, nothing until the read is cancelled. Writes after the first line advance the
/// clock the same way. Everything completes synchronously except a stalled read.
/// </summary>
public sealed class VirtualLinkStream(TestScheduler scheduler, long bytesPerSecond) : Stream
{
    private readonly MemoryStream _firstLine = new();
    private int _handshakeOffset;
    private long _dataSent;
    private bool _firstLineDone;

    /// <summary>What the peer sends first: the config (to a server) or the response (to a client), with its newline.</summary>
    public string Handshake { get; init; } = "{}\n";

    public long IncomingDataBytes { get; init; }

    public int ReadChunk { get; init; } = 250_000;

    public bool StallAfterHandshake { get; init; }

    /// <summary>The first line written (the config or the response), without its newline.</summary>
    public string FirstLineWritten => Encoding.UTF8.GetString(_firstLine.ToArray()).TrimEnd('\n');

    /// <summary>Bytes written after the first line.</summary>
    public long DataBytesWritten { get; private set; }

    public int WriteCalls { get; private set; }

    public bool Disposed { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var handshake = Encoding.UTF8.GetBytes(Handshake);
        if (_handshakeOffset < handshake.Length)
        {
            var count = Math.Min(buffer.Length, handshake.Length - _handshakeOffset);
            handshake.AsMemory(_handshakeOffset, count).CopyTo(buffer);
            _handshakeOffset += count;
            return ValueTask.FromResult(count);
        }

        if (StallAfterHandshake)
            return new ValueTask<int>(UntilCancelled(cancellationToken));

        var chunk = (int)Math.Min(Math.Min(buffer.Length, ReadChunk), IncomingDataBytes - _dataSent);
        if (chunk <= 0)
            return ValueTask.FromResult(0);
        Pass(chunk);
        _dataSent += chunk;
        return ValueTask.FromResult(chunk);
    }

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        WriteCalls++;
        if (!_firstLineDone)
        {
            _firstLine.Write(buffer.Span);
            _firstLineDone = buffer.Span.Contains((byte)'\n');
            return ValueTask.CompletedTask;
        }

        Pass(buffer.Length);
        DataBytesWritten += buffer.Length;
        return ValueTask.CompletedTask;
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        Disposed = true;
        base.Dispose(disposing);
    }

    private static Task<int> UntilCancelled(CancellationToken cancellationToken)
    {
        var pending = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        cancellationToken.Register(() => pending.TrySetCanceled(cancellationToken));
        return pending.Task;
    }

    private void Pass(long bytes) => scheduler.AdvanceBy(bytes * TimeSpan.TicksPerSecond / bytesPerSecond);
}
