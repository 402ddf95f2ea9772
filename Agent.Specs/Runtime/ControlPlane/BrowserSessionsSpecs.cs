using Agent.Runtime.ControlPlane;
using Agent.Specs.Fakes.SshTransport;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The dashboard's sessions: random ids, kept by digest, bounded, expiring by the clock.</summary>
public sealed class BrowserSessionsSpecs
{
    private readonly ManualTimeProvider _clock = new();

    [Fact]
    public void Create_TwoSignIns_DifferentLongIdsEachForItsToken()
    {
        var sessions = new BrowserSessions(_clock);

        var first = sessions.Create("token-a");
        var second = sessions.Create("token-b");

        Assert.NotEqual(first, second);
        Assert.Equal(43, first.Length); // 256 bits, base64url without padding
        Assert.Equal("token-a", sessions.FindUserToken(first));
        Assert.Equal("token-b", sessions.FindUserToken(second));
        Assert.Null(sessions.FindUserToken(first + "x"));
    }

    [Fact]
    public void FindUserToken_AfterTheLifetime_NullAndForgotten()
    {
        var sessions = new BrowserSessions(_clock);
        var id = sessions.Create("token-a");

        _clock.Advance(BrowserSessions.Lifetime - TimeSpan.FromSeconds(1));
        Assert.Equal("token-a", sessions.FindUserToken(id));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(sessions.FindUserToken(id));
        Assert.Equal(0, sessions.Count);
    }

    [Fact]
    public void Revoke_TheSession_EndsOnlyIt()
    {
        var sessions = new BrowserSessions(_clock);
        var first = sessions.Create("token-a");
        var second = sessions.Create("token-a");

        Assert.True(sessions.Revoke(first));

        Assert.Null(sessions.FindUserToken(first));
        Assert.Equal("token-a", sessions.FindUserToken(second));
        Assert.False(sessions.Revoke(first));
    }

    [Fact]
    public void Create_AtCapacity_TheOldestEndsAndTheCountStays()
    {
        var sessions = new BrowserSessions(_clock, capacity: 3);
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(sessions.Create("token-a"));
            _clock.Advance(TimeSpan.FromSeconds(1));
        }

        Assert.Equal(3, sessions.Count);
        Assert.Null(sessions.FindUserToken(ids[0]));
        Assert.Null(sessions.FindUserToken(ids[1]));
        Assert.All(ids.Skip(2), id => Assert.Equal("token-a", sessions.FindUserToken(id)));
    }
}
