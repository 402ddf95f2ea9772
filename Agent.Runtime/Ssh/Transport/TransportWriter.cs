namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// The send side of one connection: its <see cref="PacketWriter"/> behind a lock, so packets leave whole and in
/// order, and the connection's last write (a DISCONNECT, a refusal line) bounded in time.
/// </summary>
internal sealed class TransportWriter : IAsyncDisposable
{
    private readonly PacketWriter _packets;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private readonly CancellationToken _lifetime;

    public TransportWriter(Stream stream, CancellationToken lifetime)
    {
        _packets = new PacketWriter(stream);
        _lifetime = lifetime;
    }

    /// <summary>The packets; only while the lock is held (<see cref="WaitAsync"/>, <see cref="UnderLockAsync"/>).</summary>
    public PacketWriter Packets => _packets;

    /// <summary>The connection's lifetime: writes under the lock stop when it ends.</summary>
    public CancellationToken Lifetime => _lifetime;

    public long BytesSinceKeyChange => _packets.BytesSinceKeyChange;

    public Task WaitAsync(CancellationToken cancellationToken) => _lock.WaitAsync(cancellationToken);

    public void Release() => _lock.Release();

    /// <summary>Runs <paramref name="write"/> with the lock held.</summary>
    public async ValueTask UnderLockAsync(Func<ValueTask> write, CancellationToken cancellationToken)
    {
        await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await write().ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Sends a transport message at once (also during a key exchange).</summary>
    public ValueTask SendNowAsync(byte[] payload, CancellationToken cancellationToken)
        => UnderLockAsync(() => _packets.WritePacketAsync(payload, _lifetime), cancellationToken);

    /// <summary>
    /// The last write of a connection: skipped (false) when the lock stays busy for <paramref name="timeout"/>, and
    /// cancelled after as long again.
    /// </summary>
    public async Task<bool> WriteLastAsync(Func<PacketWriter, CancellationToken, ValueTask> write, TimeSpan timeout)
    {
        if (!await _lock.WaitAsync(timeout).ConfigureAwait(false))
            return false;
        try
        {
            using var bound = new CancellationTokenSource(timeout);
            await write(_packets, bound.Token).ConfigureAwait(false);
            return true;
        }
        finally
        {
            _lock.Release();
        }
    }

    /// <summary>Disposes the packet writer (its keys) once no write is under way; the lock stays usable for late callers.</summary>
    public ValueTask DisposeAsync() => UnderLockAsync(
        () =>
        {
            _packets.Dispose();
            return ValueTask.CompletedTask;
        },
        CancellationToken.None);
}
