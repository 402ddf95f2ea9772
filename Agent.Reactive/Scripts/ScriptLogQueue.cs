using System.Diagnostics.CodeAnalysis;
using System.Reactive.Concurrency;
using Agent.Reactive.Linq;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>
/// What waits behind the PATCH in flight of <see cref="ScriptLogs"/>: closed batches of lines, in order, at
/// most <see cref="ScriptLogs.MaxPendingLines"/> of them (the oldest go first), taken <see cref="ScriptLogs.MaxBatchLines"/>
/// at a time behind the notice of dropped lines; once the script's output ended, the notice alone is tried once.
/// Thread-safe: the operator takes and adds under its lock, the sends report their outcome from any thread.
/// </summary>
internal sealed class ScriptLogQueue(string source, string legacySource, IScheduler scheduler, ILogger logger) : IWaitingRequests<IList<StartupLog>, ScriptLogBatch>
{
    private readonly Lock _gate = new();
    private readonly PendingScriptLogs _pending = new(ScriptLogs.MaxPendingLines);
    private bool _noticeAloneTried;
    private bool _overflowWarned;

    public bool HasWaiting
    {
        get
        {
            lock (_gate)
                return _pending.Count > 0;
        }
    }

    public void Add(IList<StartupLog> value)
    {
        bool warn;
        lock (_gate)
        {
            warn = _pending.Add(value) > 0 && !_overflowWarned;
            _overflowWarned |= warn;
        }

        if (warn)
            logger.LogsOverflowing(ScriptLogs.MaxPendingLines, source);
    }

    public bool TryTake(bool sourceCompleted, [MaybeNullWhen(false)] out ScriptLogBatch request)
    {
        lock (_gate)
        {
            request = _pending.Take(ScriptLogs.MaxBatchLines, scheduler.Now, legacySource);
            if (request is null && sourceCompleted && !_noticeAloneTried)
            {
                _noticeAloneTried = true;
                request = _pending.TakeNoticeAlone(scheduler.Now, legacySource);
            }

            return request is not null;
        }
    }

    /// <summary>The control plane took <paramref name="batch"/>.</summary>
    public void Accepted(ScriptLogBatch batch)
    {
        lock (_gate)
        {
            _pending.Accepted(batch);
            _overflowWarned = false;
        }
    }

    /// <summary>The control plane refused <paramref name="batch"/> (413): its lines count as dropped.</summary>
    public void Refused(ScriptLogBatch batch)
    {
        lock (_gate)
            _pending.Refused(batch);
        logger.LogsRefused(batch.Lines, source);
    }
}
