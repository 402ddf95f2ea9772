using System.CommandLine;
using System.Net;
using Agent.Runtime.Commands.Options;

namespace Agent.Specs.Runtime.Discovery;

public sealed class DiscoveryOptionsSpecs
{
    private readonly DiscoveryOptions _options = new();
    private readonly RootCommand _command = [];

    public DiscoveryOptionsSpecs() => _options.AddTo(_command);

    [Fact]
    public void Parse_NoOptionNoVariable_IsOff()
    {
        Assert.Null(_options.Parse(_command.Parse([]), ["10.0.0.1:2222"], _ => null, out var error));
        Assert.Null(error);
    }

    [Fact]
    public void Parse_DiscoveryAndName_AnnouncesTheFirstNonLoopbackAddressUnderThatName()
    {
        var settings = _options.Parse(_command.Parse(["--discovery", "--discovery-name", "build-box"]), ["127.0.0.1:2222", "10.0.0.7:2222"], _ => null, out _);

        Assert.Equal(("build-box", IPAddress.Parse("10.0.0.7")), (settings!.Name, settings.Address));
    }

    [Fact]
    public void Parse_Variables_TurnItOnAndNameIt()
    {
        var variables = new Dictionary<string, string> { ["CODER_AGENT_DISCOVERY"] = "true", ["CODER_AGENT_DISCOVERY_NAME"] = "from-env" };

        var settings = _options.Parse(_command.Parse([]), ["10.0.0.1:2222"], variables.GetValueOrDefault, out _);

        Assert.Equal("from-env", settings!.Name);
    }

    [Fact]
    public void Parse_NoName_AnnouncesTheHostName()
        => Assert.Equal(Environment.MachineName, _options.Parse(_command.Parse(["--discovery"]), ["10.0.0.1:2222"], _ => null, out _)!.Name);
}
