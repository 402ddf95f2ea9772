using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The log lines one agent reported, per source, under the per-agent caps (<see cref="ControlPlaneAgent.MaxLogBytes"/>,
/// <see cref="ControlPlaneAgent.MaxLogLines"/>), and the size of the last batch taken per source (to tell the agent's
/// retry of a batch from a new one). Not thread-safe: the agent's lock guards it.
/// </summary>
internal sealed class AgentLogs
{
    private readonly List<StartupLog> _startup = [];
    private readonly List<StartupLog> _shutdown = [];

    // Per log source, the size of the last batch taken, or null when unknown (lines read from the database).
    private readonly Dictionary<string, int?> _lastBatchLines = new(StringComparer.Ordinal);
    private long _bytes;

    /// <summary>Whether a batch was refused for passing the caps.</summary>
    public bool Overflowed { get; set; }

    public static long ByteCount(IEnumerable<StartupLog> logs) => logs.Sum(log => (long)Utf8Text.ByteCount(log.Output));

    /// <summary>The lines of <paramref name="source"/>, oldest first (live: copy under the lock).</summary>
    public IReadOnlyList<StartupLog> Of(string source) => LinesOf(source);

    /// <summary>Whether a batch of <paramref name="lines"/> lines and <paramref name="bytes"/> bytes stays within the caps.</summary>
    public bool Fits(long bytes, int lines)
        => _bytes + bytes <= ControlPlaneAgent.MaxLogBytes && _startup.Count + _shutdown.Count + lines <= ControlPlaneAgent.MaxLogLines;

    /// <summary>Whether <paramref name="batch"/> equals the last batch taken of <paramref name="source"/> (or the newest lines read).</summary>
    public bool IsRetry(string source, IReadOnlyList<StartupLog> batch)
    {
        if (!_lastBatchLines.TryGetValue(source, out var lines) || (lines is { } known && known != batch.Count))
            return false;
        var target = LinesOf(source);
        return target.Count >= batch.Count && target.Skip(target.Count - batch.Count).SequenceEqual(batch);
    }

    /// <summary>Adds a batch the caps were checked for.</summary>
    public void Take(string source, IReadOnlyList<StartupLog> batch)
    {
        LinesOf(source).AddRange(batch);
        _lastBatchLines[source] = batch.Count;
        _bytes += ByteCount(batch);
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
        target.Clear();
        target.AddRange(stored);
        _bytes += ByteCount(stored);
        if (stored.Count > 0)
            _lastBatchLines[source] = null;
        return stored.Skip(common).ToList();
    }

    private List<StartupLog> LinesOf(string source) => source == LogSources.Shutdown ? _shutdown : _startup;
}
