using Agent.Runtime.ControlPlane;
using Agent.Specs.Fakes.ControlPlane;
using Agent.Specs.Fakes.SshTransport;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The dashboard's sessions: random ids, kept by digest, bounded, expiring by the clock, shared through the database.</summary>
public sealed class BrowserSessionsSpecs
{
    private static readonly string[] UserTokens = ["token-a", "token-b"];
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public async Task Create_TwoSignIns_DifferentLongIdsEachForItsToken()
    {
        var sessions = InMemory();

        var first = await sessions.CreateAsync("token-a", CancellationToken.None);
        var second = await sessions.CreateAsync("token-b", CancellationToken.None);

        Assert.NotEqual(first, second);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", first); // 256 bits, base64url without padding
        Assert.Equal("token-a", await sessions.FindUserTokenAsync(first, CancellationToken.None));
        Assert.Equal("token-b", await sessions.FindUserTokenAsync(second, CancellationToken.None));
        Assert.Null(await sessions.FindUserTokenAsync(first + "x", CancellationToken.None));
    }

    [Fact]
    public async Task FindUserToken_AfterTheLifetime_NullAndForgotten()
    {
        var sessions = InMemory();
        var id = await sessions.CreateAsync("token-a", CancellationToken.None);

        _clock.Advance(BrowserSessions.Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal("token-a", await sessions.FindUserTokenAsync(id, CancellationToken.None));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await sessions.FindUserTokenAsync(id, CancellationToken.None));
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public async Task Revoke_TheSession_EndsOnlyIt()
    {
        var sessions = InMemory();
        var first = await sessions.CreateAsync("token-a", CancellationToken.None);
        var second = await sessions.CreateAsync("token-a", CancellationToken.None);

        await sessions.RevokeAsync(first, CancellationToken.None);

        Assert.Null(await sessions.FindUserTokenAsync(first, CancellationToken.None));
        Assert.Equal("token-a", await sessions.FindUserTokenAsync(second, CancellationToken.None));
    }

    [Fact]
    public async Task Create_AtCapacity_TheOldestEndsAndTheCountStays()
    {
        var sessions = new BrowserSessions(_clock, store: null, UserTokenOf, capacity: 3);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await sessions.CreateAsync("token-a", CancellationToken.None));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, sessions.Count);
        Assert.Null(await sessions.FindUserTokenAsync(ids[0], CancellationToken.None));
        Assert.Null(await sessions.FindUserTokenAsync(ids[1], CancellationToken.None));
        foreach (var id in ids.Skip(2))
            Assert.Equal("token-a", await sessions.FindUserTokenAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task SharedStore_ASignInOnOneReplica_CountsOnTheOther()
    {
        var store = new FakeBrowserSessionStore();
        var a = new BrowserSessions(_clock, store, UserTokenOf);
        var b = new BrowserSessions(_clock, store, UserTokenOf);

        var id = await a.CreateAsync("token-b", CancellationToken.None);

        Assert.Equal("token-b", await b.FindUserTokenAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task SharedStore_ASignOutOnOneReplica_EndsItOnTheOtherWithinTheRecheck()
    {
        var store = new FakeBrowserSessionStore();
        var a = new BrowserSessions(_clock, store, UserTokenOf);
        var b = new BrowserSessions(_clock, store, UserTokenOf);
        var id = await a.CreateAsync("token-a", CancellationToken.None);
        Assert.Equal("token-a", await b.FindUserTokenAsync(id, CancellationToken.None));

        await a.RevokeAsync(id, CancellationToken.None);
        _clock.Advance(BrowserSessions.Recheck);

        Assert.Null(await b.FindUserTokenAsync(id, CancellationToken.None));
        Assert.Equal(0, store.Count);
    }

    [Fact]
    public async Task SharedStore_ARestart_KeepsTheSession()
    {
        var store = new FakeBrowserSessionStore();
        var id = await new BrowserSessions(_clock, store, UserTokenOf).CreateAsync("token-a", CancellationToken.None);

        var restarted = new BrowserSessions(_clock, store, UserTokenOf);

        Assert.Equal("token-a", await restarted.FindUserTokenAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task SharedStore_TheUserTokenLeftTheWorkspace_TheSessionEnds()
    {
        var store = new FakeBrowserSessionStore();
        var id = await new BrowserSessions(_clock, store, UserTokenOf).CreateAsync("token-a", CancellationToken.None);

        var withoutTokenA = new BrowserSessions(_clock, store, digest => digest == BearerSecrets.Digest("token-b") ? "token-b" : null);

        Assert.Null(await withoutTokenA.FindUserTokenAsync(id, CancellationToken.None));
    }

    [Fact]
    public async Task SharedStore_TheDatabaseFails_WhatThisReplicaKnowsHoldsAndASignInFails()
    {
        var store = new FakeBrowserSessionStore();
        var sessions = new BrowserSessions(_clock, store, UserTokenOf);
        var id = await sessions.CreateAsync("token-a", CancellationToken.None);
        store.Failing = true;
        _clock.Advance(BrowserSessions.Recheck);

        Assert.Equal("token-a", await sessions.FindUserTokenAsync(id, CancellationToken.None));
        Assert.Null(await sessions.FindUserTokenAsync("unknown", CancellationToken.None));
        await Assert.ThrowsAsync<IOException>(() => sessions.CreateAsync("token-a", CancellationToken.None));
    }

    [Fact]
    public async Task Revoke_WhileTheDatabaseIsBeingRead_TheReadDoesNotBringTheSessionBack()
    {
        var store = new FakeBrowserSessionStore();
        var sessions = new BrowserSessions(_clock, store, UserTokenOf);
        var id = await sessions.CreateAsync("token-a", CancellationToken.None);
        _clock.Advance(BrowserSessions.Recheck);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.FindGate = () => release.Task;

        var reading = sessions.FindUserTokenAsync(id, CancellationToken.None);
        await sessions.RevokeAsync(id, CancellationToken.None);
        release.SetResult();
        await reading;
        store.FindGate = null;

        Assert.Null(await sessions.FindUserTokenAsync(id, CancellationToken.None));
    }

    [Theory]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task FindUserToken_ACookieNoSignInCanHaveMade_NullWithoutAskingTheDatabase(string id)
    {
        var store = new FakeBrowserSessionStore();
        var sessions = new BrowserSessions(_clock, store, UserTokenOf);

        Assert.Null(await sessions.FindUserTokenAsync(id, CancellationToken.None));
        Assert.Equal(0, store.Finds);
    }

    private static string? UserTokenOf(string digest) => UserTokens.FirstOrDefault(token => BearerSecrets.Digest(token) == digest);

    private BrowserSessions InMemory() => new(_clock, store: null, UserTokenOf);
}
