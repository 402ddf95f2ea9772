using System.IO.Pipelines;

namespace Agent.Specs.Fakes.SshTransport;

/// <summary>
/// One end of an in-memory bidirectional byte stream whose writes a spec can rewrite (<see cref="OnWrite"/>: tampering,
/// fuzzing); disposing ends the other side's reads. A write after disposal throws <see cref="ObjectDisposedException"/>,
/// as a socket's stream does (the pipe's own stream throws <see cref="InvalidOperationException"/>, which no real
/// transport throws: the fuzz run found the SSH transport's DISCONNECT racing the stream's disposal).
/// </summary>
public sealed class InterceptablePipeStream : Stream
{
    private readonly Stream _input;
    private readonly Stream _output;
    private volatile bool _disposed;

    private InterceptablePipeStream(Pipe incoming, Pipe outgoing)
    {
        _input = incoming.Reader.AsStream();
        _output = outgoing.Writer.AsStream();
    }

    /// <summary>Optional hook that may change each write before it goes out (tampering specs).</summary>
    public Func<byte[], byte[]>? OnWrite { get; set; }

    public static (InterceptablePipeStream Server, InterceptablePipeStream Client) CreatePair()
    {
        var options = new PipeOptions(pauseWriterThreshold: 8 * 1024 * 1024, resumeWriterThreshold: 4 * 1024 * 1024);
        var toServer = new Pipe(options);
        var toClient = new Pipe(options);
        return (new InterceptablePipeStream(toServer, toClient), new InterceptablePipeStream(toClient, toServer));
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => _output.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => _output.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count) => _input.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => _input.ReadAsync(buffer, cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => _input.ReadAsync(buffer, offset, count, cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            await _output.WriteAsync(OnWrite is { } hook ? hook(buffer.ToArray()) : buffer, cancellationToken);
        }
        catch (InvalidOperationException) when (_disposed)
        {
            throw new ObjectDisposedException(nameof(InterceptablePipeStream));
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _disposed = true;
            _input.Dispose();
            _output.Dispose();
        }

        base.Dispose(disposing);
    }
}
