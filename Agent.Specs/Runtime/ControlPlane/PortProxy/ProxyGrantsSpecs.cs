using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.PortProxy;
using Agent.Specs.Fakes.SshTransport;

namespace Agent.Specs.Runtime.ControlPlane.PortProxy;

public sealed class ProxyGrantsSpecs
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Take_ACode_OpensItsHostOnce()
    {
        var codes = new ProxyGrants(8, TimeSpan.FromSeconds(60), _time);
        var code = codes.Add("8000--main.localhost", "s1");

        Assert.Equal("s1", codes.Take(code, "8000--main.localhost"));
        Assert.Null(codes.Take(code, "8000--main.localhost"));
    }

    [Fact]
    public void Take_ACodeForAnotherHost_RefusedAndSpent()
    {
        var codes = new ProxyGrants(8, TimeSpan.FromSeconds(60), _time);
        var code = codes.Add("8000--main.localhost", "s1");

        Assert.Null(codes.Take(code, "8001--main.localhost"));
        Assert.Null(codes.Take(code, "8000--main.localhost"));
    }

    [Fact]
    public void Find_AfterItsLifetime_Refused()
    {
        var grants = new ProxyGrants(8, TimeSpan.FromSeconds(60), _time);
        var secret = grants.Add("8000--main.localhost", "s1");
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Equal("s1", grants.Find(secret, "8000--main.localhost"));

        _time.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(grants.Find(secret, "8000--main.localhost"));
        Assert.Equal(0, grants.Count);
    }

    [Fact]
    public void Add_BeyondCapacity_TheOldestGoesAndTheCountStaysBounded()
    {
        var grants = new ProxyGrants(3, TimeSpan.FromHours(1), _time);
        var oldest = grants.Add("h", "s");
        for (var i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            grants.Add("h", "s");
        }

        Assert.Equal(3, grants.Count);
        Assert.Null(grants.Find(oldest, "h"));
    }

    [Fact]
    public void Revoke_ASession_EndsItsSecretsOnly()
    {
        var grants = new ProxyGrants(8, TimeSpan.FromHours(1), _time);
        var mine = grants.Add("h", "s1");
        var theirs = grants.Add("h", "s2");

        grants.Revoke("s1");

        Assert.Null(grants.Find(mine, "h"));
        Assert.Equal("s2", grants.Find(theirs, "h"));
    }

    [Fact]
    public void Find_AGuess_Refused()
    {
        var grants = new ProxyGrants(8, TimeSpan.FromHours(1), _time);
        grants.Add("h", "s1");

        Assert.Null(grants.Find(BearerSecrets.New(), "h"));
    }
}
