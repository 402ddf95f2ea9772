using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace Agent.Reactive.Terminal;

/// <summary>
/// One client attached to a reconnecting terminal: its output (the replay first, then live chunks, with nothing
/// lost or doubled between them) waits in a bounded backlog that the client drains at its own pace; input and
/// resizes go to the shared terminal. Disposing detaches. The output ends after the final chunk when the
/// process ended, or at once when the client fell more than the backlog bound behind (<see cref="Overflowed"/>).
/// </summary>
public sealed class TerminalConnection : IDisposable
{
    private readonly TerminalSession _session;
    private readonly Channel<ReadOnlyMemory<byte>> _output = Channel.CreateUnbounded<ReadOnlyMemory<byte>>(
        new UnboundedChannelOptions { SingleReader = true, SingleWriter = false, AllowSynchronousContinuations = false });

    private readonly long _backlogLimit;
    private readonly IDisposable _counted;
    private long _queued;
    private volatile bool _overflowed;

    internal TerminalConnection(TerminalSession session, long backlogLimit, IDisposable counted)
    {
        _session = session;
        _backlogLimit = backlogLimit;
        _counted = counted;
    }

    /// <summary>The reconnect ID of the terminal.</summary>
    public string SessionId => _session.Id;

    /// <summary>Whether the output ended because this client fell too far behind.</summary>
    public bool Overflowed => _overflowed;

    /// <summary>Completes with the terminal process's exit status when it has ended.</summary>
    public Task<Effects.PtyExit> ProcessExited => _session.Exited;

    /// <summary>Bytes waiting in the backlog.</summary>
    public long Backlog => Interlocked.Read(ref _queued);

    /// <summary>Completes when the output ended and every chunk was read.</summary>
    public Task Completion => _output.Reader.Completion;

    /// <summary>Takes the next waiting chunk, if any.</summary>
    public bool TryRead(out ReadOnlyMemory<byte> chunk)
    {
        if (!_output.Reader.TryRead(out chunk))
            return false;
        Interlocked.Add(ref _queued, -chunk.Length);
        return true;
    }

    /// <summary>Waits until a chunk can be read (<c>true</c>) or the output ended (<c>false</c>).</summary>
    public ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken) => _output.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Every chunk until the output ends.</summary>
    public async IAsyncEnumerable<ReadOnlyMemory<byte>> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (await WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (TryRead(out var chunk))
                yield return chunk;
        }
    }

    /// <summary>Writes keystrokes to the terminal.</summary>
    public ValueTask WriteInputAsync(ReadOnlyMemory<byte> input, CancellationToken cancellationToken)
        => _session.WriteInputAsync(input, cancellationToken);

    /// <summary>Resizes the terminal for every client; a zero dimension is ignored (Coder resizes only when both are set).</summary>
    public void Resize(ushort columns, ushort rows) => _session.Resize(columns, rows);

    /// <summary>Detaches from the terminal (which lives on until the inactivity timeout).</summary>
    public void Dispose() => _session.Detach(this);

    // Called under the session's lock, so chunks are queued in output order.
    internal bool TryEnqueue(ReadOnlyMemory<byte> chunk)
    {
        if (chunk.Length == 0)
            return true;
        if (Interlocked.Read(ref _queued) + chunk.Length > _backlogLimit)
            return false;
        Interlocked.Add(ref _queued, chunk.Length);
        return _output.Writer.TryWrite(chunk);
    }

    internal void Close(bool overflowed)
    {
        if (overflowed)
            _overflowed = true;
        _output.Writer.TryComplete();
        _counted.Dispose();
    }
}
