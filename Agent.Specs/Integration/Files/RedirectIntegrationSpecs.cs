
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Files;

/// <summary>
/// A control plane that answers 302 to another origin (another loopback port that records what it gets): the real
/// <c>agent run</c> (REST and relay), <c>agent config-ssh</c>, <c>agent monitor</c> and <c>agent proxy</c> never send their
/// token there.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RedirectIntegrationSpecs
{
    private const string UserToken = "redirect-spec-user-token";

    [Fact]
    public async Task Run_ControlPlaneRedirectsToAnotherOrigin_AgentTokenNotSent()
    {
        await using var elsewhere = new RecordingHttpServer(RecordingHttpServer.Unauthorized);
        await using var redirector = new RecordingHttpServer(RecordingHttpServer.RedirectTo(elsewhere.Url));
        await using var harness = new IntegrationHarness();

        harness.StartAgent("--url", redirector.Url.ToString());

        // The agent retries after a failed session: a second request means the first redirect was dealt with.
        await Eventually.WaitAsync(() => redirector.Requests.Count >= 2, $"the agent to retry\n{harness.Agent!.Output}");
        Assert.Contains(redirector.Requests, head => head.Contains(harness.AgentToken, StringComparison.Ordinal));
        Assert.DoesNotContain(elsewhere.Requests, head => head.Contains(harness.AgentToken, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ConfigSsh_ControlPlaneRedirectsToAnotherOrigin_UserTokenNotSentAndSaysWhy()
    {
        await using var elsewhere = new RecordingHttpServer(RecordingHttpServer.Unauthorized);
        await using var redirector = new RecordingHttpServer(RecordingHttpServer.RedirectTo(elsewhere.Url));
        using var home = new TempDirectory();

        var result = await RunClientAsync(home, redirector.Url, "config-ssh", "--ssh-config-file", home.Combine("ssh_config"), "--known-hosts-file", home.Combine("known_hosts"));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("redirected to " + elsewhere.Url.GetLeftPart(UriPartial.Authority), result.Error, StringComparison.Ordinal);
        Assert.Contains(redirector.Requests, head => head.Contains(UserToken, StringComparison.Ordinal));
        Assert.DoesNotContain(elsewhere.Requests, head => head.Contains(UserToken, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("monitor", "--once")]
    [InlineData("proxy", "--agent", "main")]
    public async Task ClientCommand_ControlPlaneRedirectsToAnotherOrigin_UserTokenNotSent(params string[] command)
    {
        await using var elsewhere = new RecordingHttpServer(RecordingHttpServer.Unauthorized);
        await using var redirector = new RecordingHttpServer(RecordingHttpServer.RedirectTo(elsewhere.Url));
        using var home = new TempDirectory();

        var result = await RunClientAsync(home, redirector.Url, command);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(redirector.Requests, head => head.Contains(UserToken, StringComparison.Ordinal));
        Assert.DoesNotContain(elsewhere.Requests, head => head.Contains(UserToken, StringComparison.Ordinal));
    }

    private static Task<ProcessRunner.Result> RunClientAsync(TempDirectory home, Uri url, params string[] arguments)
        => AgentBinary.RunAsync(
            [.. arguments, "--url", url.ToString(), "--token", UserToken],
            new Dictionary<string, string> { ["HOME"] = home.Path, ["XDG_CONFIG_HOME"] = home.Combine("config") },
            timeout: TimeSpan.FromSeconds(30));
}
