using System.CommandLine;
using System.Net;
using Agent.Runtime.Api;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.Http;

namespace Agent.Specs.Runtime.Http;

public sealed class ApiListenAddressSpecs
{
    [Theory]
    [InlineData("127.0.0.1:8080", "127.0.0.1", 8080)]
    [InlineData("127.1.2.3:0", "127.1.2.3", 0)]
    [InlineData("[::1]:4000", "::1", 4000)]
    [InlineData("localhost:4001", "127.0.0.1", 4001)]
    [InlineData("LOCALHOST:4001", "127.0.0.1", 4001)]
    public void Parse_Loopback_GivesTheEndpoint(string text, string ip, int port)
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse(ip), port), ApiListenAddress.Parse(text));
    }

    [Theory]
    [InlineData("0.0.0.0:8080", "not a loopback address")]
    [InlineData("[::]:8080", "not a loopback address")]
    [InlineData("192.168.1.10:8080", "not a loopback address")]
    [InlineData(":8080", "loopback IP address or localhost")]
    [InlineData("*:8080", "loopback IP address or localhost")]
    [InlineData("example.com:80", "loopback IP address or localhost")]
    [InlineData("127.0.0.1", "HOST:PORT")]
    [InlineData("127.0.0.1:70000", "HOST:PORT")]
    public void Parse_OtherAddresses_AreRefusedWithAReason(string text, string reason)
    {
        var error = Assert.Throws<FormatException>(() => ApiListenAddress.Parse(text));

        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApiCliOptions_NonLoopback_GivesErrorText()
    {
        var (options, command) = Command();

        var endpoint = options.Parse(command.Parse(["--api-address", "0.0.0.0:4000"]), out var error);

        Assert.Null(endpoint);
        Assert.Contains("not a loopback address", error, StringComparison.Ordinal);
    }

    [Fact]
    public void ApiCliOptions_LoopbackOrNothing_GivesEndpointOrNull()
    {
        var (options, command) = Command();

        Assert.Equal(new IPEndPoint(IPAddress.Loopback, 0), options.Parse(command.Parse(["--api-address", "127.0.0.1:0"]), out var error));
        Assert.Null(error);
        Assert.Null(options.Parse(command.Parse([]), out error));
        Assert.Null(error);
    }

    [Fact]
    public void AgentApiOptions_NonLoopbackEndpoint_FailsValidation()
    {
        var options = new AgentApiOptions { UnixSocketPath = "/tmp/x.sock", TcpEndpoint = new IPEndPoint(IPAddress.Any, 0) };

        Assert.Throws<ArgumentException>(options.Validate);
    }

    private static (ApiCliOptions Options, RootCommand Command) Command()
    {
        var options = new ApiCliOptions();
        var command = new RootCommand();
        options.AddTo(command);
        return (options, command);
    }
}
