namespace Agent.Specs.Integration.PortProxy;

/// <summary>The port proxy of <c>agent server</c> (as README starts it) for an agent that is not connected.</summary>
[Trait("Category", "Integration")]
public sealed class PortProxyServerSpecs
{
    [Fact]
    public async Task Proxy_AgentNotConnected_502SaysSo()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        await harness.StartServerAsync();

        var answer = await Curl.RunAsync("-H", "Coder-Session-Token: " + IntegrationHarness.UserToken, $"http://8000--main.localhost:{harness.Port}/");

        Assert.Equal(502, answer.Status);
        Assert.Contains("agent main is not connected", answer.Body, StringComparison.Ordinal);
    }
}
