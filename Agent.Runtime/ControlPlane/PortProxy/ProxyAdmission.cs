using System.Collections.Concurrent;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>How many proxied requests and WebSockets each agent has open at once, capped (a page that opens connections in a loop ends at the cap).</summary>
internal sealed class ProxyAdmission
{
    private readonly ConcurrentDictionary<string, StrongCount> _open = new(StringComparer.Ordinal);
    private readonly int _perAgent;

    public ProxyAdmission(int perAgent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(perAgent, 1);
        _perAgent = perAgent;
    }

    public int PerAgent => _perAgent;

    /// <summary>A slot of agent <paramref name="agent"/> until disposed, or <c>null</c> when its cap is reached.</summary>
    public IDisposable? TryEnter(string agent)
    {
        var count = _open.GetOrAdd(agent, static _ => new StrongCount());
        if (Interlocked.Increment(ref count.Value) <= _perAgent)
            return new Slot(count);
        Interlocked.Decrement(ref count.Value);
        return null;
    }

    private sealed class StrongCount
    {
#pragma warning disable SA1401 // Fields should be private: Interlocked needs the field itself, and the class is private.
        public int Value;
#pragma warning restore SA1401
    }

    private sealed class Slot(StrongCount count) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                Interlocked.Decrement(ref count.Value);
        }
    }
}
