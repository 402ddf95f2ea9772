using Agent.Runtime.ControlPlane;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>A replica's claims of the relays it holds, in virtual time.</summary>
public sealed class RelayClaimsSpecs
{
    private readonly TestScheduler _scheduler = new();
    private readonly CapturingLoggerProvider _logs = new();
    private readonly FlakyDirectory _directory = new();

    [Fact]
    public void Hold_ClaimFails_LoggedAndRetriedWithBackoffUntilWritten()
    {
        _directory.FailuresLeft = 2;
        using var held = Claims().Hold("main", () => true, () => true);

        _scheduler.AdvanceBy(1);
        Assert.Equal(1, _directory.Claims);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks - 1);
        Assert.Equal(2, _directory.Claims);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(2).Ticks - 1);
        Assert.Equal(2, _directory.Claims);
        _scheduler.AdvanceBy(1);
        Assert.Equal(3, _directory.Claims);
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks);

        Assert.Equal(3, _directory.Claims);
        Assert.Equal([6611, 6611, 6610], _logs.Entries.Select(entry => entry.EventId.Id));
        Assert.Equal("Relay of agent main could not be claimed (the other replicas cannot reach it); trying again in 1 s: database down", _logs.Entries.First().Message);
    }

    [Fact]
    public void Hold_DisposedWhileRetrying_StopsRetryingAndReleases()
    {
        _directory.FailuresLeft = int.MaxValue;
        var held = Claims().Hold("main", () => true, () => false);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);

        held.Dispose();
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks);

        Assert.Equal(2, _directory.Claims);
        Assert.Equal(["main"], _directory.Released);
    }

    [Fact]
    public void Hold_AnotherRelayOfTheAgentStillHeldHere_DisposingDoesNotRelease()
    {
        var held = Claims().Hold("main", () => true, () => true);
        _scheduler.AdvanceBy(1);

        held.Dispose();

        Assert.Equal(1, _directory.Claims);
        Assert.Empty(_directory.Released);
    }

    [Fact]
    public void Hold_NoLongerTheCurrentRelayWhenItsTurnComes_ClaimsNothing()
    {
        using var held = Claims().Hold("main", () => false, () => true);

        _scheduler.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);

        Assert.Equal(0, _directory.Claims);
    }

    private RelayClaims Claims() => new(_directory, _scheduler, _logs.CreateLogger("claims"), () => 0.5);

    private sealed class FlakyDirectory : IRelayDirectory
    {
        public int FailuresLeft { get; set; }

        public int Claims { get; private set; }

        public List<string> Released { get; } = [];

        public ReplicaCredentials? Self => new(Guid.NewGuid(), "secret");

        public Task ClaimAsync(string agent, CancellationToken cancellationToken)
        {
            Claims++;
            if (FailuresLeft-- > 0)
                return Task.FromException(new IOException("database down"));
            return Task.CompletedTask;
        }

        public Task ReleaseAsync(string agent, CancellationToken cancellationToken)
        {
            Released.Add(agent);
            return Task.CompletedTask;
        }

        public Task<RelayOwner?> OwnerAsync(string agent, CancellationToken cancellationToken) => Task.FromResult<RelayOwner?>(null);

        public Task<bool> IsPeerAsync(Guid replica, string token, CancellationToken cancellationToken) => Task.FromResult(false);
    }
}
