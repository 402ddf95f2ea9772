using System.Buffers;
using System.IO.Pipelines;

namespace Agent.Specs.Utilities;

/// <summary>
/// One end of an in-memory duplex byte stream (two bounded pipes): what one end writes the other reads.
/// Disposing an end makes the other read end-of-stream and fail its writes, like a closed socket.
/// </summary>
public sealed class DuplexPipeStream : Stream
{
    private readonly PipeReader _input;
    private readonly PipeWriter _output;
    private volatile bool _disposed;

    private DuplexPipeStream(PipeReader input, PipeWriter output)
    {
        _input = input;
        _output = output;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <summary>Two connected ends; each direction buffers at most <paramref name="bufferLimit"/> bytes before writes wait.</summary>
    public static (DuplexPipeStream First, DuplexPipeStream Second) CreatePair(long bufferLimit = 1024 * 1024)
    {
        var options = new PipeOptions(pauseWriterThreshold: bufferLimit, resumeWriterThreshold: bufferLimit / 2, useSynchronizationContext: false);
        var forward = new Pipe(options);
        var backward = new Pipe(options);
        return (new DuplexPipeStream(backward.Reader, forward.Writer), new DuplexPipeStream(forward.Reader, backward.Writer));
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = await _input.ReadAsync(cancellationToken);
        if (result.IsCanceled || _disposed)
            throw new ObjectDisposedException(nameof(DuplexPipeStream));
        var available = result.Buffer;
        if (available.IsEmpty && result.IsCompleted)
        {
            _input.AdvanceTo(available.End);
            return 0;
        }

        var count = (int)Math.Min(available.Length, buffer.Length);
        var slice = available.Slice(0, count);
        slice.CopyTo(buffer.Span);
        _input.AdvanceTo(slice.End);
        return count;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var result = await _output.WriteAsync(buffer, cancellationToken);
        if (result.IsCanceled || _disposed)
            throw new ObjectDisposedException(nameof(DuplexPipeStream));
        if (result.IsCompleted)
            throw new IOException("the other end of the pipe is closed");
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count, CancellationToken.None).GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _input.CancelPendingRead();
            _output.CancelPendingFlush();
            _output.Complete();
            _input.Complete();
        }

        base.Dispose(disposing);
    }
}
