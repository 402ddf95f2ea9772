using System.Net;

namespace Agent.Specs.Integration;

/// <summary>
/// The dashboard's pages over plain HTTP against <c>agent dev</c>: who is sent to sign in, the 404 page, the security
/// headers of every page and of <c>/terminal</c>, and every file of <c>web/dashboard/</c> embedded in the binary.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DashboardPagesIntegrationSpecs : IAsyncLifetime
{
    private readonly IntegrationHarness _harness = new();
    private readonly HttpClient _browser;
    private string _cookie = string.Empty;

    public DashboardPagesIntegrationSpecs()
        => _browser = new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = _harness.Url, Timeout = TimeSpan.FromSeconds(10) };

    public async Task InitializeAsync()
    {
        _harness.WriteWorkspace(Manifests.With());
        await _harness.StartDevAsync();
        using var login = await _browser.GetAsync($"login?token={IntegrationHarness.UserToken}");
        Assert.Equal(HttpStatusCode.SeeOther, login.StatusCode);
        _cookie = login.Headers.GetValues("Set-Cookie").Single(value => value.StartsWith("agent_session=", StringComparison.Ordinal)).Split(';')[0];
    }

    public async Task DisposeAsync()
    {
        _browser.Dispose();
        await _harness.DisposeAsync();
    }

    [Theory]
    [InlineData("/", "/login?next=%2F")]
    [InlineData("/agents/main", "/login?next=%2Fagents%2Fmain")]
    [InlineData("/agents/nobody", "/login?next=%2Fagents%2Fnobody")]
    public async Task Page_NotSignedIn_SeeOtherToSignInAndBack(string path, string location)
    {
        using var response = await _browser.GetAsync(path.TrimStart('/'));

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Page_UserTokenInTheQueryInsteadOfSignIn_SeeOtherToSignIn()
    {
        using var response = await _browser.GetAsync($"?coder_session_token={IntegrationHarness.UserToken}");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
    }

    [Fact]
    public async Task AgentPage_UnknownAgent_NotFoundPage()
    {
        using var response = await SignedInGetAsync("agents/nobody");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no agent of that name", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/", HttpStatusCode.OK)]
    [InlineData("/agents/main", HttpStatusCode.OK)]
    [InlineData("/agents/nobody", HttpStatusCode.NotFound)]
    [InlineData("/dashboard/agent.js", HttpStatusCode.OK)]
    [InlineData("/dashboard/connections.js", HttpStatusCode.OK)]
    [InlineData("/dashboard/nothing.js", HttpStatusCode.NotFound)]
    [InlineData("/terminal?agent=main", HttpStatusCode.OK)]
    public async Task Page_SignedIn_OwnOriginOnlyNoSniffingNoReferrer(string path, HttpStatusCode status)
    {
        using var response = await SignedInGetAsync(path.TrimStart('/'));

        Assert.Equal(status, response.StatusCode);
        var policy = string.Join(';', response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self';", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("object-src 'none'", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    [Fact]
    public async Task DashboardFiles_EveryFileOfWebDashboard_ServedFromTheBinary()
    {
        var directory = Path.Join(AgentBinary.RepositoryRoot, "web", "dashboard");
        var assets = Directory.GetFiles(directory).Select(Path.GetFileName).Where(name => !name!.EndsWith(".html", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(assets);
        foreach (var name in assets)
        {
            using var response = await _browser.GetAsync($"dashboard/{name}");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"/dashboard/{name}: {(int)response.StatusCode}");
            Assert.Equal(await File.ReadAllTextAsync(Path.Join(directory, name)), await response.Content.ReadAsStringAsync());
        }
    }

    [Theory]
    [InlineData("recordings.js")]
    [InlineData("player.js")]
    public async Task RecordingsFiles_Requested_JavaScriptWithThePagesStrictHeaders(string name)
    {
        using var response = await _browser.GetAsync($"dashboard/{name}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("script-src 'self';", string.Join(';', response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
    }

    private Task<HttpResponseMessage> SignedInGetAsync(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Cookie", _cookie);
        return _browser.SendAsync(request);
    }
}
