using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Fakes.ControlPlane;

/// <summary>An <see cref="IBrowserSessionStore"/> in memory: several control planes in one process can share one, as replicas share a database.</summary>
public sealed class FakeBrowserSessionStore : IBrowserSessionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, BrowserSessionRecord> _sessions = new(StringComparer.Ordinal);

    private int _finds;

    /// <summary>How many times a session was looked up.</summary>
    public int Finds => Volatile.Read(ref _finds);

    /// <summary>While set, every call throws <see cref="IOException"/>.</summary>
    public bool Failing { get; set; }

    public int Count
    {
        get
        {
            lock (_gate)
                return _sessions.Count;
        }
    }

    public Task SaveAsync(BrowserSessionRecord session, int capacity, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            foreach (var old in _sessions.Values.Where(kept => kept.ExpiresAt <= session.CreatedAt).ToList())
                _sessions.Remove(old.IdDigest);
            while (_sessions.Count >= capacity)
                _sessions.Remove(_sessions.Values.MinBy(kept => kept.ExpiresAt)!.IdDigest);
            _sessions[session.IdDigest] = session;
        }

        return Task.CompletedTask;
    }

    /// <summary>When set, a lookup reads first and then waits for it before it answers (a read that a delete overtakes).</summary>
    public Func<Task>? FindGate { get; set; }

    public async Task<BrowserSessionRecord?> FindAsync(string idDigest, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _finds);
        ThrowIfFailing();
        BrowserSessionRecord? found;
        lock (_gate)
            found = _sessions.GetValueOrDefault(idDigest);
        if (FindGate is { } gate)
            await gate();
        return found;
    }

    public Task DeleteAsync(string idDigest, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
            _sessions.Remove(idDigest);
        return Task.CompletedTask;
    }

    private void ThrowIfFailing()
    {
        if (Failing)
            throw new IOException("the fake database is failing");
    }
}
