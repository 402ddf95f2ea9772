using System.Net;

namespace Agent.Runtime.Discovery;

/// <summary>
/// At most <paramref name="perWindow"/> answers per source address in each <paramref name="window"/>, for at most
/// <paramref name="maxSources"/> sources at a time: a source over its budget, or a new source while the table is full
/// of sources still in their window, gets nothing. Time is the caller's (its scheduler's <c>Now</c>). Thread-safe.
/// </summary>
public sealed class SourceRateLimit(int perWindow, TimeSpan window, int maxSources)
{
    private readonly Dictionary<IPAddress, (DateTimeOffset Start, int Count)> _sources = [];

    /// <summary>The default of discovery's listeners: 10 answers per source per 10 s, 256 sources.</summary>
    public static SourceRateLimit Default() => new(10, TimeSpan.FromSeconds(10), 256);

    /// <summary>Counts one answer for <paramref name="source"/> at <paramref name="now"/>; <c>false</c> when it is over the limit.</summary>
    public bool TryTake(IPAddress source, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(source);
        lock (_sources)
        {
            if (_sources.TryGetValue(source, out var entry) && now - entry.Start < window)
            {
                if (entry.Count >= perWindow)
                    return false;
                _sources[source] = (entry.Start, entry.Count + 1);
                return true;
            }

            if (!_sources.ContainsKey(source) && _sources.Count >= maxSources)
            {
                foreach (var expired in _sources.Where(pair => now - pair.Value.Start >= window).Select(pair => pair.Key).ToList())
                    _sources.Remove(expired);
                if (_sources.Count >= maxSources)
                    return false;
            }

            _sources[source] = (now, 1);
            return true;
        }
    }
}
