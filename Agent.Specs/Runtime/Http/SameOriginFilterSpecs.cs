using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;

namespace Agent.Specs.Runtime.Http;

public sealed class SameOriginFilterSpecs
{
    [Theory]
    [InlineData("http://127.0.0.1:7080", "127.0.0.1:7080")]
    [InlineData("http://localhost:7080", "LOCALHOST:7080")]
    [InlineData("http://[::1]:7080", "[::1]:7080")]
    [InlineData("https://agent.example.com", "agent.example.com")]
    [InlineData("http://localhost", "localhost")]
    public void IsSameOrigin_HostAndPortOfTheRequest_True(string origin, string host)
        => Assert.True(SameOriginFilter.IsSameOrigin(origin, new HostString(host)));

    [Theory]
    [InlineData("http://evil.example", "127.0.0.1:7080")]
    [InlineData("http://127.0.0.1:7081", "127.0.0.1:7080")]
    [InlineData("http://localhost:7080", "127.0.0.1:7080")]
    [InlineData("null", "127.0.0.1:7080")]
    [InlineData("file://", "127.0.0.1:7080")]
    [InlineData("file:///home/me/page.html", "127.0.0.1:7080")]
    [InlineData("chrome-extension://abcdef", "abcdef")]
    [InlineData("http://127.0.0.1:7080/terminal", "127.0.0.1:7080")]
    [InlineData("http://user@127.0.0.1:7080", "127.0.0.1:7080")]
    [InlineData("", "127.0.0.1:7080")]
    [InlineData("http://127.0.0.1:7080", "")]
    public void IsSameOrigin_AnyOtherOrigin_False(string origin, string host)
        => Assert.False(SameOriginFilter.IsSameOrigin(origin, new HostString(host)));
}
