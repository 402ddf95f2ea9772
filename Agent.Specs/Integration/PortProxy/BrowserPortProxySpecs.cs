namespace Agent.Specs.Integration.PortProxy;

/// <summary>
/// A person at a browser: headless Chromium (Debian's, driven by playwright-core) signs in with the login URL
/// <c>agent dev</c> printed, opens a workspace port through the proxy and sees the page python's http.server serves;
/// from that page, what a hostile workspace page would try against the dashboard fails (<c>port-proxy.mjs</c>).
/// </summary>
[Trait("Category", "Integration")]
public sealed class BrowserPortProxySpecs : IClassFixture<PortProxyFixture>
{
    private readonly PortProxyFixture _fixture;

    public BrowserPortProxySpecs(PortProxyFixture fixture) => _fixture = fixture;

    [Fact]
    public async Task Browser_SignInThenOpenAPort_SeesTheListingAndThePageCannotReachTheDashboard()
    {
        var login = _fixture.Harness.Server!.Output.Split('\n')
            .Select(line => line.Trim())
            .Single(line => line.StartsWith("Dashboard:", StringComparison.Ordinal))["Dashboard:".Length..].Trim();
        var browser = Path.Join(AgentBinary.RepositoryRoot, "Agent.Specs", "Browser");
        if (!Directory.Exists(Path.Join(browser, "node_modules", "playwright-core")))
            Assert.Equal(0, await BrowserTerminalSpecs.RunAsync("npm", browser, "ci", "--no-audit", "--no-fund"));

        var exitCode = await BrowserTerminalSpecs.RunAsync(
            "node",
            browser,
            "port-proxy.mjs",
            login,
            $"{_fixture.Origin(_fixture.FilesPort)}/",
            _fixture.ListedFile,
            _fixture.Harness.Combine("port-proxy.png"),
            $"http://localhost:{_fixture.Harness.Port}");

        Assert.Equal(0, exitCode);
    }
}
