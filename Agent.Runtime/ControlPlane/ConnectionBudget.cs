using System.Net;
using Agent.Runtime.Net;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Counts the control plane's connections that have not carried an authenticated request yet (a user or agent
/// token), per source address (IPv6 by /64) and in all, and refuses a new one past either cap. A connection
/// leaves the count when a request on it authenticates, or when it closes. So clients that connect and never
/// finish a request, or never log in, cannot take the slots of agents' relays and signed-in users; Kestrel's
/// header and keep-alive timeouts close them.
/// </summary>
internal sealed class ConnectionBudget
{
    private readonly Lock _gate = new();
    private readonly SourceCounts _bySource = new();
    private readonly int _perSource;
    private readonly int _total;
    private int _count;

    public ConnectionBudget(int perSource, int total)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perSource, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(total, perSource);
        _perSource = perSource;
        _total = total;
    }

    /// <summary>Connections not authenticated yet.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
                return _count;
        }
    }

    /// <summary>
    /// Counts a new connection from <paramref name="remote"/>; <c>null</c> when its source or everyone is at the cap
    /// (<paramref name="sourceCount"/> says how many its source holds).
    /// </summary>
    public Lease? TryAdmit(EndPoint? remote, out IPAddress source, out int sourceCount)
    {
        source = SourceCounts.SourceOf(remote);
        lock (_gate)
        {
            sourceCount = _bySource.Held(source);
            if (sourceCount >= _perSource || _count >= _total)
                return null;
            _bySource.Add(source);
            _count++;
            return new Lease(this, source);
        }
    }

    private void Release(IPAddress source)
    {
        lock (_gate)
        {
            _count--;
            _bySource.Remove(source);
        }
    }

    /// <summary>One counted connection: leaves the count at <see cref="Authenticated"/> or <see cref="Dispose"/>, once.</summary>
    internal sealed class Lease : IDisposable
    {
        private readonly ConnectionBudget _budget;
        private readonly IPAddress _source;
        private int _released;

        public Lease(ConnectionBudget budget, IPAddress source)
        {
            _budget = budget;
            _source = source;
        }

        /// <summary>A request on this connection carried a valid token.</summary>
        public void Authenticated() => Dispose();

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                _budget.Release(_source);
        }
    }
}
