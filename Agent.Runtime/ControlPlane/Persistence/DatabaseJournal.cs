using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Subjects;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// One agent's <see cref="IAgentJournal"/> in the control plane's database. Every write of the agent (durable or a
/// flush) runs alone, as the database's contract requires; different agents write concurrently. A durable write
/// that fails throws <see cref="AgentJournalException"/>; a flush that fails keeps its batch pending for the next one.
/// </summary>
public sealed class DatabaseJournal : IAgentJournal
{
    private readonly IControlPlaneDatabase _database;
    private readonly string _agent;
    private readonly TimeSpan _interval;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _writes = new(1, 1);
    private readonly PendingWrites _pending = new();
    private readonly ISubject<Unit> _changes = Subject.Synchronize(new Subject<Unit>());
    private readonly IDisposable _flushes;
    private int _disposed;

    /// <param name="database">The control plane's database.</param>
    /// <param name="agent">The agent's name.</param>
    /// <param name="interval">How long coalesced writes wait (<see cref="ControlPlaneOptions.FlushInterval"/>).</param>
    /// <param name="scheduler">The flush timers' clock.</param>
    /// <param name="logger">Where failed writes are logged.</param>
    public DatabaseJournal(IControlPlaneDatabase database, string agent, TimeSpan interval, IScheduler scheduler, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(agent);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _agent = agent;
        _interval = interval;
        _logger = logger;
        Recordings = new JournaledRecordingStore(database.Recordings);
        _flushes = CoalescedWrites.Flushes(_changes, () => _pending.HasAny, interval, scheduler, FlushAsync).Subscribe();
    }

    public IRecordingStore Recordings { get; }

    public Task RecordStartupAsync(StartupRequest request, CancellationToken cancellationToken)
        => WriteAsync("startup report", cancellation => _database.SaveStartupAsync(_agent, request, cancellation), cancellationToken);

    public Task RecordLifecycleAsync(LifecycleReport report, CancellationToken cancellationToken)
        => WriteAsync("lifecycle report", cancellation => _database.AppendLifecycleAsync(_agent, report, cancellation), cancellationToken);

    public Task RecordLogsAsync(string source, IReadOnlyList<StartupLog> logs, CancellationToken cancellationToken)
        => WriteAsync($"{source} logs", cancellation => _database.AppendLogsAsync(_agent, source, logs, cancellation), cancellationToken);

    public Task RecordLogsOverflowedAsync(CancellationToken cancellationToken)
        => WriteAsync("log overflow", cancellation => _database.MarkLogsOverflowedAsync(_agent, cancellation), cancellationToken);

    public void Metadata(string key, MetadataResult result)
    {
        _pending.Metadata(key, result);
        _changes.OnNext(Unit.Default);
    }

    public void AppHealth(Guid app, AppHealth health)
    {
        _pending.AppHealth(app, health);
        _changes.OnNext(Unit.Default);
    }

    public void Stats(Stats stats)
    {
        _pending.Stats(stats);
        _changes.OnNext(Unit.Default);
    }

    public void Seen(DateTimeOffset at)
    {
        _pending.Seen(at);
        _changes.OnNext(Unit.Default);
    }

    public Task RecordConnectionsAsync(IReadOnlyList<ConnectionReport> reports, CancellationToken cancellationToken)
        => WriteAsync("connection reports", cancellation => _database.Connections.AppendAsync(_agent, reports, cancellation), cancellationToken);

    public async Task<IReadOnlyList<ConnectionRecord>> ConnectionsAsync(int limit, CancellationToken cancellationToken)
    {
        try
        {
            return await _database.Connections.ReadAsync(_agent, limit, cancellationToken);
        }
        catch (ControlPlaneDatabaseException ex)
        {
            throw new AgentJournalException($"the database could not read the connections: {ex.Message}", ex);
        }
    }

    /// <summary>Stops the timer and writes what is pending (after a flush in flight); once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _flushes.Dispose();
        await FlushAsync();
    }

    private async Task WriteAsync(string report, Func<CancellationToken, Task> write, CancellationToken cancellationToken)
    {
        await _writes.WaitAsync(cancellationToken);
        try
        {
            await write(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.WriteFailed(ex, _agent, report);
            throw new AgentJournalException($"the database could not store the {report}: {ex.Message}", ex);
        }
        finally
        {
            _writes.Release();
        }
    }

    // The batch's writes are not cancelled: a flush in flight at shutdown completes, and the last flush follows it.
    private async Task FlushAsync()
    {
        await _writes.WaitAsync();
        var batch = _pending.Take();
        try
        {
            if (batch.Metadata.Count > 0)
                await _database.SaveMetadataAsync(_agent, batch.Metadata, CancellationToken.None);
            if (batch.AppHealth.Count > 0)
                await _database.SaveAppHealthAsync(_agent, batch.AppHealth, CancellationToken.None);
            if (batch.Stats is { } stats)
                await _database.SaveStatsAsync(_agent, stats, CancellationToken.None);
            if (batch.Seen is { } seen)
                await _database.SaveLastSeenAsync(_agent, seen, CancellationToken.None);
        }
        catch (Exception ex)
        {
            _pending.Return(batch);
            _logger.FlushFailed(ex, _agent, _interval);
        }
        finally
        {
            _writes.Release();
        }
    }
}
