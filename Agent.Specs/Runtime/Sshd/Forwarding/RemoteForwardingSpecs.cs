using System.Net;
using Agent.Runtime.Sshd.Forwarding;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

public sealed class RemoteForwardingSpecs
{
    [Theory]
    [InlineData("", "127.0.0.1")]
    [InlineData("*", "127.0.0.1")]
    [InlineData("localhost", "127.0.0.1")]
    [InlineData("0.0.0.0", "127.0.0.1")]
    [InlineData("::", "127.0.0.1")]
    [InlineData("192.168.1.20", "127.0.0.1")]
    [InlineData("example.com", "127.0.0.1")]
    [InlineData("127.0.0.1", "127.0.0.1")]
    [InlineData("127.0.0.2", "127.0.0.2")]
    [InlineData("::1", "::1")]
    public void BindAddress_AnyRequest_IsLoopbackAsWithGatewayPortsNo(string requested, string bound)
        => Assert.Equal(IPAddress.Parse(bound), RemoteForwarding.BindAddress(requested));
}
