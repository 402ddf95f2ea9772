using Agent.Runtime.ControlPlane.PortProxy;
using Microsoft.AspNetCore.Http;

namespace Agent.Specs.Runtime.ControlPlane.PortProxy;

public sealed class ProxyHeadersSpecs
{
    [Fact]
    public void Cookies_ThisServersCredentials_Removed()
    {
        var headers = new HeaderDictionary { ["Cookie"] = "a=1; agent_proxy=secret; coder_session_token=t; agent_session=s; b=2" };

        Assert.Equal("a=1; b=2", ProxyHeaders.Cookies(headers));
    }

    [Fact]
    public void Cookies_OnlyCredentials_NoCookieHeader()
        => Assert.Null(ProxyHeaders.Cookies(new HeaderDictionary { ["Cookie"] = "agent_proxy=secret" }));

    [Theory]
    [InlineData("?a=1&coder_session_token=t&b=%20", "?a=1&b=%20")]
    [InlineData("?coder%5Fsession%5Ftoken=t", "")]
    [InlineData("?x=coder_session_token", "?x=coder_session_token")]
    [InlineData("", "")]
    public void Query_UserToken_Removed(string query, string expected)
        => Assert.Equal(expected, ProxyHeaders.Query(new QueryString(query.Length == 0 ? null : query)));

    [Fact]
    public void Request_HopByHopTokenAndHeadersNamedByConnection_Removed()
    {
        var headers = new HeaderDictionary
        {
            ["Connection"] = "keep-alive, X-Secret-Hop",
            ["X-Secret-Hop"] = "1",
            ["Keep-Alive"] = "timeout=5",
            ["Coder-Session-Token"] = "t",
            ["X-Forwarded-For"] = "10.0.0.1",
            ["Accept"] = "text/html",
        };

        var kept = ProxyHeaders.Request(headers).Select(header => header.Key).ToArray();

        Assert.Equal(["Accept"], kept);
    }
}
