using System.Text;
using Agent.Runtime.Relay.Splice;

namespace Agent.Specs.Runtime.Relay.Splice;

/// <summary>
/// StreamSplice against a stream it knows only by <see cref="IHalfClosableStream"/>: the end of one side's data
/// half-closes it, a failure of one side fails it with the reason. (The relay's own streams are spliced in the relay's
/// end-to-end and integration specs.)
/// </summary>
public sealed class StreamSpliceSpecs
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task RunAsync_OneSideEnds_HalfClosesAHalfClosableStream()
    {
        using var source = new MemoryStream(Encoding.UTF8.GetBytes("hello"));
        await using var target = new HalfClosableRecorder();

        var failure = await StreamSplice.RunAsync(source, target, CancellationToken.None).WaitAsync(Deadline);

        Assert.Null(failure);
        Assert.Equal("hello", target.Written);
        Assert.True(target.WritesCompleted);
        Assert.Null(target.FailedWith);
    }

    [Fact]
    public async Task RunAsync_OneSideFails_FailsAHalfClosableStreamWithTheReason()
    {
        await using var source = new FailingStream("the agent went away");
        await using var target = new HalfClosableRecorder();

        var failure = await StreamSplice.RunAsync(source, target, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal("the agent went away", failure);
        Assert.Equal("the agent went away", target.FailedWith);
        Assert.False(target.WritesCompleted);
    }

    /// <summary>A stream that only reports: reads end once it was half-closed or failed, writes are kept.</summary>
    private sealed class HalfClosableRecorder : Stream, IHalfClosableStream
    {
        private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly MemoryStream _written = new();

        public string Written => Encoding.UTF8.GetString(_written.ToArray());

        public bool WritesCompleted { get; private set; }

        public string? FailedWith { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public Task CompleteWritesAsync()
        {
            WritesCompleted = true;
            _ended.TrySetResult();
            return Task.CompletedTask;
        }

        public Task FailAsync(string reason)
        {
            FailedWith = reason;
            _ended.TrySetResult();
            return Task.CompletedTask;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await _ended.Task.WaitAsync(cancellationToken);
            return 0;
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _written.Write(buffer.Span);
            return ValueTask.CompletedTask;
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }

    /// <summary>A stream whose reads fail with <paramref name="reason"/>, like a connection lost.</summary>
    private sealed class FailingStream(string reason) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromException<int>(new IOException(reason));

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
            => ValueTask.FromException(new IOException(reason));

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
