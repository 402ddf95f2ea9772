namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// Lets an agent's "seen" through to the peers once per <c>every</c> (a fraction of the agent timeout): the agent calls
/// every few seconds, the peers only need to know it is still there. Thread-safe.
/// </summary>
internal sealed class SeenThrottle
{
    private readonly Lock _gate = new();
    private readonly TimeSpan _every;
    private readonly Dictionary<string, DateTimeOffset> _sent = new(StringComparer.Ordinal);

    public SeenThrottle(TimeSpan every) => _every = every;

    /// <summary>Whether a "seen" of <paramref name="agent"/> at <paramref name="now"/> goes out (and then counts as sent).</summary>
    public bool Pass(string agent, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_sent.TryGetValue(agent, out var last) && now - last < _every)
                return false;
            _sent[agent] = now;
            return true;
        }
    }
}
