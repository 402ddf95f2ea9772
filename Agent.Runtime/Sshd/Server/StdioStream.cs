namespace Agent.Runtime.Sshd.Server;

/// <summary>
/// One duplex stream over two simplex ones: reads from <c>stdin</c>, writes to <c>stdout</c> (inetd mode). The console
/// streams block in <c>read</c>/<c>write</c> and ignore cancellation, and disposing them does not wake a blocked
/// call; here a cancelled read or write ends at once (abandoning the blocked call, which the connection no longer
/// needs), so a connection the server ends (login grace time, a violation) ends the process even when the peer stays
/// silent and keeps its end open.
/// </summary>
public sealed class StdioStream(Stream input, Stream output) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => input.Read(buffer, offset, count);

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        => Cancellable(input.ReadAsync(buffer, cancellationToken), cancellationToken);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => input.ReadAsync(buffer, offset, count, cancellationToken).WaitAsync(cancellationToken);

    public override void Write(byte[] buffer, int offset, int count) => output.Write(buffer, offset, count);

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        => Cancellable(output.WriteAsync(buffer, cancellationToken), cancellationToken);

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => output.WriteAsync(buffer, offset, count, cancellationToken).WaitAsync(cancellationToken);

    public override void Flush() => output.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => output.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            input.Dispose();
            output.Dispose();
        }

        base.Dispose(disposing);
    }

    // A call that completed at once costs nothing more; one that blocks is awaited until it ends or the token cancels.
    private static ValueTask<int> Cancellable(ValueTask<int> pending, CancellationToken cancellationToken)
        => pending.IsCompleted || !cancellationToken.CanBeCanceled ? pending : new(pending.AsTask().WaitAsync(cancellationToken));

    private static ValueTask Cancellable(ValueTask pending, CancellationToken cancellationToken)
        => pending.IsCompleted || !cancellationToken.CanBeCanceled ? pending : new(pending.AsTask().WaitAsync(cancellationToken));
}
