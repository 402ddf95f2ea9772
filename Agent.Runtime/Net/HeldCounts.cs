namespace Agent.Runtime.Net;

/// <summary>
/// How many of something each key holds (connections per source, per token), for per-key caps; a key that holds none
/// is forgotten. Not thread-safe: its owner counts under its own lock.
/// </summary>
/// <typeparam name="TKey">What the count is kept by.</typeparam>
internal class HeldCounts<TKey>
    where TKey : notnull
{
    private readonly Dictionary<TKey, int> _held = [];

    public int Held(TKey key) => _held.GetValueOrDefault(key);

    public void Add(TKey key) => _held[key] = Held(key) + 1;

    public void Remove(TKey key)
    {
        var left = Held(key) - 1;
        if (left <= 0)
            _held.Remove(key);
        else
            _held[key] = left;
    }
}
