using System.Net;
using Agent.Runtime.Commands.PortForward;

namespace Agent.Specs.Runtime.Commands.PortForward;

public sealed class TcpForwardSpecs
{
    [Theory]
    [InlineData("8080:8000", "127.0.0.1:8080", 8000)]
    [InlineData("0:22", "127.0.0.1:0", 22)]
    [InlineData("0.0.0.0:8080:8000", "0.0.0.0:8080", 8000)]
    [InlineData("localhost:9000:9", "127.0.0.1:9000", 9)]
    [InlineData("[::1]:8080:65535", "[::1]:8080", 65535)]
    public void TryParse_Valid_BindLocalAndRemote(string text, string local, int remote)
    {
        Assert.True(TcpForward.TryParse(text, out var forward, out var error), error);

        Assert.Equal(IPEndPoint.Parse(local), forward.Local);
        Assert.Equal(remote, forward.RemotePort);
    }

    [Theory]
    [InlineData("")]
    [InlineData("8080")]
    [InlineData("8080:0")]
    [InlineData("8080:65536")]
    [InlineData("65536:80")]
    [InlineData("-1:80")]
    [InlineData("a:b")]
    [InlineData("host.example:1:2")]
    [InlineData("[::1:8080:80")]
    [InlineData("1:2:3:4")]
    public void TryParse_Invalid_FalseWithTheFormat(string text)
    {
        Assert.False(TcpForward.TryParse(text, out var forward, out var error));

        Assert.Null(forward);
        Assert.Contains("[BIND:]LOCAL:REMOTE", error, StringComparison.Ordinal);
    }
}
