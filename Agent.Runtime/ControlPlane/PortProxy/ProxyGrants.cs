namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>
/// Secrets that each open one proxy host for a while, on behalf of one dashboard session (by the digest of its id): kept by their SHA-256,
/// at most <c>capacity</c> (expired ones are dropped first, then the oldest), each valid until its expiry only for its
/// host. Thread-safe.
/// </summary>
internal sealed class ProxyGrants
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Grant> _grants = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly TimeSpan _lifetime;
    private readonly TimeProvider _time;

    public ProxyGrants(int capacity, TimeSpan lifetime, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _lifetime = lifetime;
        _time = time;
    }

    public TimeSpan Lifetime => _lifetime;

    public int Count
    {
        get
        {
            lock (_gate)
                return _grants.Count;
        }
    }

    /// <summary>Makes a secret for <paramref name="host"/> on behalf of <paramref name="session"/>.</summary>
    public string Add(string host, string session)
    {
        var secret = BearerSecrets.New();
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (_grants.Count >= _capacity)
                MakeRoom(now);
            _grants[BearerSecrets.Digest(secret)] = new Grant(host, session, now, now + _lifetime);
        }

        return secret;
    }

    /// <summary>The session of <paramref name="secret"/> when it is live and for <paramref name="host"/>; an expired one is dropped.</summary>
    public string? Find(string secret, string host) => Look(secret, host, remove: false);

    /// <summary>Like <see cref="Find"/>, and the secret is spent whether it matched or not (single use).</summary>
    public string? Take(string secret, string host) => Look(secret, host, remove: true);

    /// <summary>Drops every secret made on behalf of <paramref name="session"/>.</summary>
    public void Revoke(string session)
    {
        lock (_gate)
        {
            foreach (var (key, grant) in _grants)
            {
                if (grant.Session == session)
                    _grants.Remove(key);
            }
        }
    }

    private string? Look(string secret, string host, bool remove)
    {
        var key = BearerSecrets.Digest(secret);
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            if (!_grants.TryGetValue(key, out var grant))
                return null;
            var expired = now >= grant.Expires;
            if (remove || expired)
                _grants.Remove(key);
            return !expired && string.Equals(grant.Host, host, StringComparison.Ordinal) ? grant.Session : null;
        }
    }

    private void MakeRoom(DateTimeOffset now)
    {
        foreach (var (key, grant) in _grants)
        {
            if (now >= grant.Expires)
                _grants.Remove(key);
        }

        if (_grants.Count < _capacity)
            return;
        var oldest = _grants.MinBy(pair => pair.Value.Made).Key;
        _grants.Remove(oldest);
    }

    private sealed record Grant(string Host, string Session, DateTimeOffset Made, DateTimeOffset Expires);
}
