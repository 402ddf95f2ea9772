using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using Agent.Reactive.Linq;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Audit;

/// <summary>
/// The connection reports waiting behind the <c>POST me/connections</c> in flight, bounded in bytes (their JSON): a
/// report that does not fit is dropped and counted, and the next batch sent states the count (<see cref="ConnectionReportsRequest.Dropped"/>).
/// Once the control plane answered 404 (it predates the endpoint) nothing more is kept or sent until <see cref="Resume"/>
/// (a new control-plane connection). Thread-safe.
/// </summary>
internal sealed class ConnectionReportQueue(ConnectionReportingLimits limits, ILogger logger) : IWaitingRequests<IList<ConnectionReport>, ConnectionReportBatch>
{
    private readonly Lock _gate = new();
    private readonly Queue<(ConnectionReport Report, int Bytes)> _pending = new();
    private long _pendingBytes;
    private int _dropped;
    private bool _unsupported;
    private bool _overflowWarned;

    public bool HasWaiting
    {
        get
        {
            lock (_gate)
                return _pending.Count > 0;
        }
    }

    public void Add(IList<ConnectionReport> value)
    {
        var warn = false;
        lock (_gate)
        {
            if (_unsupported)
                return;
            foreach (var report in value)
            {
                var bytes = JsonSerializer.SerializeToUtf8Bytes(report, AuditJsonContext.Default.ConnectionReport).Length;
                if (bytes > limits.MaxBatchBytes || _pendingBytes + bytes > limits.MaxPendingBytes)
                {
                    _dropped++;
                    warn |= !_overflowWarned;
                    _overflowWarned = true;
                    continue;
                }

                _pending.Enqueue((report, bytes));
                _pendingBytes += bytes;
            }
        }

        if (warn)
            logger.ReportsOverflowing(limits.MaxPendingBytes);
    }

    public bool TryTake(bool sourceCompleted, [MaybeNullWhen(false)] out ConnectionReportBatch request)
    {
        lock (_gate)
        {
            request = null;
            if (_unsupported || _pending.Count == 0)
                return false;
            var reports = new List<ConnectionReport>();
            long bytes = 0;
            while (_pending.TryPeek(out var next) && reports.Count < limits.MaxBatchReports && bytes + next.Bytes <= limits.MaxBatchBytes)
            {
                _pending.Dequeue();
                reports.Add(next.Report);
                bytes += next.Bytes;
                _pendingBytes -= next.Bytes;
            }

            request = new ConnectionReportBatch(new ConnectionReportsRequest(reports, _dropped));
            return true;
        }
    }

    /// <summary>The control plane took <paramref name="batch"/>: the drops it stated are told.</summary>
    public void Accepted(ConnectionReportBatch batch)
    {
        lock (_gate)
        {
            _dropped -= batch.Request.Dropped;
            _overflowWarned = false;
        }
    }

    /// <summary>The control plane refused <paramref name="batch"/> (too large, malformed): its reports count as dropped.</summary>
    public void Refused(ConnectionReportBatch batch, Exception error)
    {
        lock (_gate)
            _dropped += batch.Request.Connections.Count;
        logger.ReportsRefused(error, batch.Request.Connections.Count);
    }

    /// <summary>The control plane does not know the endpoint (404): drop everything and stop until <see cref="Resume"/>.</summary>
    public void Unsupported()
    {
        lock (_gate)
        {
            if (_unsupported)
                return;
            _unsupported = true;
            _pending.Clear();
            _pendingBytes = 0;
            _dropped = 0;
        }

        logger.ReportsUnsupported();
    }

    /// <summary>A new control-plane connection: try the endpoint again.</summary>
    public void Resume()
    {
        lock (_gate)
            _unsupported = false;
    }
}
