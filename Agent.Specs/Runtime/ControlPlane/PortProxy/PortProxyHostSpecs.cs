using Agent.Runtime.ControlPlane.PortProxy;
using Microsoft.AspNetCore.Http;

namespace Agent.Specs.Runtime.ControlPlane.PortProxy;

public sealed class PortProxyHostSpecs
{
    [Theory]
    [InlineData("8000--main.localhost", 8000, "main")]
    [InlineData("8000--MAIN.LocalHost", 8000, "main")]
    [InlineData("65535--a-b--c.localhost", 65535, "a-b--c")]
    [InlineData("9--x1.localhost", 9, "x1")]
    public void TryParse_PortAndAgent_Parsed(string host, int port, string agent)
    {
        Assert.True(PortProxyHost.TryParse(host, out var parsed));
        Assert.Equal(port, parsed.Port);
        Assert.Equal(agent, parsed.AgentLabel);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("8000-main.localhost")]
    [InlineData("--main.localhost")]
    [InlineData("0--main.localhost")]
    [InlineData("08000--main.localhost")]
    [InlineData("65536--main.localhost")]
    [InlineData("123456--main.localhost")]
    [InlineData("8000--.localhost")]
    [InlineData("8000--ma_in.localhost")]
    [InlineData("8000--main.localhost.evil.example")]
    [InlineData("x.8000--main.localhost")]
    [InlineData("8000--main.example")]
    public void TryParse_Malformed_False(string host) => Assert.False(PortProxyHost.TryParse(host, out _));

    [Theory]
    [InlineData("8000--main.localhost:7080", true)]
    [InlineData("0--x.LOCALHOST", true)]
    [InlineData("localhost:7080", false)]
    [InlineData("127.0.0.1:7080", false)]
    [InlineData("app.localhost", false)]
    public void IsProxyShaped_Host_OnlyLocalhostNamesWithTheSeparator(string host, bool shaped)
        => Assert.Equal(shaped, PortProxyHost.IsProxyShaped(new HostString(host)));
}
