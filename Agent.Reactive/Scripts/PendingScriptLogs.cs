using System.Globalization;
using Agent.Reactive.Protocol;

namespace Agent.Reactive.Scripts;

/// <summary>
/// Script log lines waiting for the control plane, at most <c>capacity</c> of them (the oldest go first
/// when more arrive), and the count of lines dropped, either refused by the control plane (413) or pushed
/// out of the full queue. Not thread-safe: the owner holds its lock around every call.
/// </summary>
internal sealed class PendingScriptLogs
{
    private const string NoticeLevel = "warn";

    private readonly Queue<StartupLog> _lines = new();
    private readonly int _capacity;

    public PendingScriptLogs(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    public int Count => _lines.Count;

    /// <summary>Lines the control plane refused (413) and no accepted notice has reported yet.</summary>
    public long Rejected { get; private set; }

    /// <summary>Lines pushed out of the full queue and no accepted notice has reported yet.</summary>
    public long Overflowed { get; private set; }

    /// <summary>Queues <paramref name="lines"/>; returns how many of the oldest lines were dropped to make room.</summary>
    public int Add(IEnumerable<StartupLog> lines)
    {
        var dropped = 0;
        foreach (var line in lines)
        {
            _lines.Enqueue(line);
            if (_lines.Count > _capacity)
            {
                _lines.Dequeue();
                dropped++;
            }
        }

        Overflowed += dropped;
        return dropped;
    }

    /// <summary>
    /// Takes up to <paramref name="maxLines"/> of the oldest lines, behind the dropped-lines notice when lines
    /// were dropped; returns null when nothing waits.
    /// </summary>
    public ScriptLogBatch? Take(int maxLines, DateTimeOffset now, string source)
    {
        if (_lines.Count == 0)
            return null;
        var notice = Notice(now);
        var take = Math.Min(maxLines, _lines.Count);
        var logs = new List<StartupLog>(take + 1);
        if (notice is not null)
            logs.Add(notice);
        for (var i = 0; i < take; i++)
            logs.Add(_lines.Dequeue());
        return new ScriptLogBatch(new StartupLogsRequest(logs, source), take, Rejected, Overflowed);
    }

    /// <summary>The notice alone, for the end of the run; null when nothing was dropped.</summary>
    public ScriptLogBatch? TakeNoticeAlone(DateTimeOffset now, string source)
        => Notice(now) is { } notice
            ? new ScriptLogBatch(new StartupLogsRequest([notice], source), 0, Rejected, Overflowed)
            : null;

    /// <summary>The control plane took <paramref name="batch"/>: the drops its notice reported are told.</summary>
    public void Accepted(ScriptLogBatch batch)
    {
        Rejected -= batch.NoticedRejected;
        Overflowed -= batch.NoticedOverflowed;
    }

    /// <summary>The control plane refused <paramref name="batch"/> (413): its lines count as dropped.</summary>
    public void Refused(ScriptLogBatch batch) => Rejected += batch.Lines;

    private StartupLog? Notice(DateTimeOffset now)
    {
        var total = Rejected + Overflowed;
        if (total == 0)
            return null;
        var reason = (Rejected > 0, Overflowed > 0) switch
        {
            (true, false) => "the control plane's log limit was reached",
            (false, true) => string.Create(
                CultureInfo.InvariantCulture, $"more than {_capacity} lines waited for the control plane"),
            _ => string.Create(
                CultureInfo.InvariantCulture,
                $"the control plane's log limit was reached and more than {_capacity} lines waited for it"),
        };
        return new StartupLog(
            now, string.Create(CultureInfo.InvariantCulture, $"[agent] {total} log lines were dropped: {reason}"), NoticeLevel);
    }
}
