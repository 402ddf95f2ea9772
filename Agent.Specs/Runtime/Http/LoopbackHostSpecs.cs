using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;

namespace Agent.Specs.Runtime.Http;

public sealed class LoopbackHostSpecs
{
    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST:7080")]
    [InlineData("localhost:7080")]
    [InlineData("8000--main.localhost:7080")]
    [InlineData("a.b.localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:7080")]
    [InlineData("127.1.2.3:1")]
    [InlineData("[::1]")]
    [InlineData("[::1]:7080")]
    [InlineData("[::ffff:127.0.0.1]:7080")]
    public void IsLoopback_LoopbackNameOrAddress_True(string host)
        => Assert.True(LoopbackHost.IsLoopback(HostString.FromUriComponent(host)), host);

    [Theory]
    [InlineData("")]
    [InlineData("evil.example")]
    [InlineData("evil.example:7080")]
    [InlineData("localhost.evil.example")]
    [InlineData("evillocalhost")]
    [InlineData(".localhost")]
    [InlineData("a..localhost")]
    [InlineData("localhost.")]
    [InlineData("127.0.0.1.nip.io")]
    [InlineData("10.0.0.1:7080")]
    [InlineData("0.0.0.0:7080")]
    [InlineData("[::]:7080")]
    [InlineData("[fe80::1]:7080")]
    [InlineData("[::ffff:10.0.0.1]:7080")]
    public void IsLoopback_AnyOtherName_False(string host)
        => Assert.False(LoopbackHost.IsLoopback(HostString.FromUriComponent(host)), host);
}
