using System.Net;
using System.Reactive;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Audit;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Specs.Fakes.Connection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Audit;

/// <summary>The connection reports' batching, byte bound and 404 handling, in virtual time.</summary>
public sealed class ConnectionReportingSpecs
{
    private readonly TestScheduler _scheduler = new();
    private readonly Subject<Unit> _reconnected = new();

    [Fact]
    public void Reports_QuietPeriodPasses_SentAsOneBatchInOrder()
    {
        var plane = new FakeControlPlane(_scheduler);
        using var audit = new ConnectionAudit(_scheduler);
        using var run = Start(audit, plane, ConnectionReportingLimits.Default);

        var opened = audit.Open(ConnectionTypes.Ssh, "127.0.0.1:1", "me", "SHA256:x", "shell");
        opened.Close(3);
        _scheduler.AdvanceBy(ConnectionReportingLimits.Default.QuietPeriod.Ticks - 1);
        Assert.Empty(plane.Connections);
        _scheduler.AdvanceBy(1);

        var batch = Assert.Single(plane.Connections);
        Assert.Equal([ConnectionActions.Connect, ConnectionActions.Disconnect], batch.Connections.Select(report => report.Action));
        Assert.Equal(3, batch.Connections[1].StatusCode);
        Assert.Equal(batch.Connections[0].Id, batch.Connections[1].Id);
        Assert.Equal(0, batch.Dropped);
    }

    [Fact]
    public void PendingBytesFull_DropsNewReportsAndTheNextBatchSaysHowMany()
    {
        var plane = new FakeControlPlane(_scheduler) { Failure = new ControlPlaneException("down") };
        using var audit = new ConnectionAudit(_scheduler);
        var limits = ConnectionReportingLimits.Default with { MaxPendingBytes = 1000 };
        using var run = Start(audit, plane, limits);

        for (var i = 0; i < 20; i++)
            audit.Open(ConnectionTypes.Ssh, string.Empty, "me", "token", $"exec {i}");
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        plane.Failure = null;
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);

        // The fake records every attempt; a retry sends the same batch again.
        var batches = plane.Connections.Distinct().ToList();
        var sent = batches.SelectMany(batch => batch.Connections).ToList();
        Assert.InRange(sent.Count, 1, 19);
        Assert.Equal(20 - sent.Count, batches.Sum(batch => batch.Dropped));
    }

    [Fact]
    public void OldControlPlane404_StopsUntilReconnected()
    {
        var calls = 0;
        var plane = new RefusingControlPlane(() => calls++);
        using var audit = new ConnectionAudit(_scheduler);
        using var run = Start(audit, plane, ConnectionReportingLimits.Default);

        audit.Open(ConnectionTypes.Ssh, string.Empty, "me", "token", "shell");
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        audit.Open(ConnectionTypes.Ssh, string.Empty, "me", "token", "shell");
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks);
        Assert.Equal(1, calls);

        _reconnected.OnNext(Unit.Default);
        audit.Open(ConnectionTypes.Ssh, string.Empty, "me", "token", "shell");
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.Equal(2, calls);
    }

    [Fact]
    public void FileOperationLog_PastItsCapacity_CountsTheRest()
    {
        var log = new FileOperationLog(2);

        for (var i = 0; i < 5; i++)
            log.Add(new FileOperation(DateTimeOffset.UnixEpoch, "mkdir", $"/d{i}"));

        var (kept, dropped) = log.Snapshot();
        Assert.Equal(["/d0", "/d1"], kept.Select(operation => operation.Path));
        Assert.Equal(3, dropped);
    }

    private IDisposable Start(ConnectionAudit audit, IControlPlaneClient plane, ConnectionReportingLimits limits)
        => ConnectionReporting.Run(audit.Reports, _reconnected, plane, limits, _scheduler, NullLogger.Instance).Subscribe();

    private sealed class RefusingControlPlane(Action called) : Fakes.ControlPlane.SingleEndpointControlPlane(System.Reactive.Concurrency.Scheduler.Immediate, "connection reports only")
    {
        public override Task PostConnectionsAsync(ConnectionReportsRequest request, CancellationToken cancellationToken)
        {
            called();
            return Task.FromException(new ControlPlaneException(HttpStatusCode.NotFound, "not found"));
        }
    }
}
