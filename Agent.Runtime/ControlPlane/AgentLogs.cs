using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The log lines one agent reported, per source (<c>startup</c>, <c>shutdown</c> or a log source id of the manifest,
/// <see cref="LogSources.KeyOf"/>), under the per-agent caps over all sources (<see cref="ControlPlaneAgent.MaxLogBytes"/>,
/// <see cref="ControlPlaneAgent.MaxLogLines"/>), and the size of the last batch taken per source (to tell the agent's
/// retry of a batch from a new one). Not thread-safe: the agent's lock guards it.
/// </summary>
internal sealed class AgentLogs
{
    private readonly Dictionary<string, List<StartupLog>> _lines = new(StringComparer.Ordinal);

    // Per log source, the size of the last batch taken, or null when unknown (lines read from the database).
    private readonly Dictionary<string, int?> _lastBatchLines = new(StringComparer.Ordinal);
    private long _bytes;
    private int _count;

    /// <summary>Whether a batch was refused for passing the caps.</summary>
    public bool Overflowed { get; set; }

    public static long ByteCount(IEnumerable<StartupLog> logs) => logs.Sum(log => (long)Utf8Text.ByteCount(log.Output));

    /// <summary>The lines of <paramref name="source"/>, oldest first (live: copy under the lock).</summary>
    public IReadOnlyList<StartupLog> Of(string source) => _lines.GetValueOrDefault(source) ?? [];

    /// <summary>How many lines each source holds.</summary>
    public IReadOnlyDictionary<string, int> Counts() => _lines.ToDictionary(pair => pair.Key, pair => pair.Value.Count, StringComparer.Ordinal);

    /// <summary>Whether a batch of <paramref name="lines"/> lines and <paramref name="bytes"/> bytes stays within the caps.</summary>
    public bool Fits(long bytes, int lines)
        => _bytes + bytes <= ControlPlaneAgent.MaxLogBytes && _count + lines <= ControlPlaneAgent.MaxLogLines;

    /// <summary>Whether <paramref name="batch"/> equals the last batch taken of <paramref name="source"/> (or the newest lines read).</summary>
    public bool IsRetry(string source, IReadOnlyList<StartupLog> batch)
    {
        if (!_lastBatchLines.TryGetValue(source, out var lines) || (lines is { } known && known != batch.Count))
            return false;
        var target = Of(source);
        return target.Count >= batch.Count && target.Skip(target.Count - batch.Count).SequenceEqual(batch);
    }

    /// <summary>Adds a batch the caps were checked for.</summary>
    public void Take(string source, IReadOnlyList<StartupLog> batch)
    {
        LinesOf(source).AddRange(batch);
        _lastBatchLines[source] = batch.Count;
        _bytes += ByteCount(batch);
        _count += batch.Count;
    }

    /// <summary>
    /// Replaces the lines of <paramref name="source"/> with what the database holds; returns the lines that were not
    /// here before (those past the lines both have in common), which the caller publishes.
    /// </summary>
    public IReadOnlyList<StartupLog> Replace(string source, IReadOnlyList<StartupLog> stored)
    {
        var target = LinesOf(source);
        var common = 0;
        while (common < target.Count && common < stored.Count && target[common] == stored[common])
            common++;
        _bytes -= ByteCount(target);
        _count -= target.Count;
        target.Clear();
        target.AddRange(stored);
        _bytes += ByteCount(stored);
        _count += stored.Count;
        if (stored.Count > 0)
            _lastBatchLines[source] = null;
        return stored.Skip(common).ToList();
    }

    private List<StartupLog> LinesOf(string source)
    {
        if (!_lines.TryGetValue(source, out var lines))
            _lines[source] = lines = [];
        return lines;
    }
}
