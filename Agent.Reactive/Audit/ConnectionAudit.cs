using System.Reactive.Concurrency;
using System.Reactive.Subjects;

using Agent.Reactive.Protocol;

namespace Agent.Reactive.Audit;

/// <summary>
/// The agent's <see cref="IConnectionAudit"/>: every report goes to <see cref="Reports"/> (a hot stream; whoever is
/// subscribed then gets it), stamped with the scheduler's clock. Reports of concurrent connections are passed on one at
/// a time.
/// </summary>
public sealed class ConnectionAudit : IConnectionAudit, IDisposable
{
    private readonly IScheduler _scheduler;
    private readonly Subject<ConnectionReport> _subject = new();
    private readonly ISubject<ConnectionReport> _reports;

    public ConnectionAudit(IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        _scheduler = scheduler;
        _reports = Subject.Synchronize(_subject);
    }

    /// <summary>Every connect and disconnect, in the order reported.</summary>
    public IObservable<ConnectionReport> Reports => _subject;

    public AuditedConnection Open(string type, string ip, string user, string who, string what)
    {
        ArgumentException.ThrowIfNullOrEmpty(type);
        var opened = new ConnectionReport(Guid.NewGuid(), ConnectionActions.Connect, type, _scheduler.Now, ip ?? string.Empty, user ?? string.Empty, who ?? string.Empty, what ?? string.Empty);
        _reports.OnNext(opened);
        return new AuditedConnection(opened, () => _scheduler.Now, _reports.OnNext);
    }

    public void Dispose() => _subject.Dispose();
}
