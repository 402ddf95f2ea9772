using System.Text.Json;

namespace Agent.Specs.Integration.PortProxy;

/// <summary>
/// The proxy origin's own credential, by a redirect through the dashboard, driven by <c>curl</c> with a cookie jar as a
/// browser would: sign in with the printed login URL, open the proxy URL, follow the redirects; and the attacker's
/// moves against it (a code reused, replayed on another host, a foreign <c>to</c>, a credential on another port).
/// </summary>
[Trait("Category", "Integration")]
public sealed class PortProxySignInSpecs : IClassFixture<PortProxyFixture>
{
    private readonly PortProxyFixture _fixture;

    public PortProxySignInSpecs(PortProxyFixture fixture) => _fixture = fixture;

    private string Dashboard => $"http://127.0.0.1:{_fixture.Harness.Port}";

    [Fact]
    public async Task SignIn_CurlWithACookieJar_FollowsTheRedirectsToTheWorkspacesPage()
    {
        var jar = await SignInAsync();
        var proxy = _fixture.Origin(_fixture.EchoPort);

        var answer = await Curl.RunAsync("-L", "-c", jar.Path, "-b", jar.Path, $"{proxy}/page?q=1");

        Assert.Equal(200, answer.Status);
        var echo = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal("/page?q=1", echo.GetProperty("path").GetString());
        Assert.DoesNotContain(echo.GetProperty("headers").EnumerateArray(), pair => pair[0].GetString()!.Equals("Cookie", StringComparison.OrdinalIgnoreCase));
        var credential = Assert.Single(jar.Cookies(), cookie => cookie.Name == "agent_proxy");
        Assert.Equal($"{_fixture.EchoPort}--main.localhost", credential.Domain);
        Assert.True(credential.HttpOnly);
        Assert.DoesNotContain(jar.Cookies(), cookie => cookie.Name == "agent_session" && cookie.Domain != "127.0.0.1");
    }

    [Fact]
    public async Task Credential_OfOnePort_DoesNotOpenAnotherPort()
    {
        var jar = await SignInAsync();
        await Curl.RunAsync("-L", "-c", jar.Path, "-b", jar.Path, $"{_fixture.Origin(_fixture.EchoPort)}/");
        var credential = jar.Value($"{_fixture.EchoPort}--main.localhost", "agent_proxy");

        var same = await Curl.RunAsync("-H", $"Cookie: agent_proxy={credential}", $"{_fixture.Origin(_fixture.EchoPort)}/");
        var other = await Curl.RunAsync("-H", $"Cookie: agent_proxy={credential}", $"{_fixture.Origin(_fixture.WebSocketPort)}/");

        Assert.Equal(200, same.Status);
        Assert.Equal(303, other.Status);
        Assert.StartsWith($"{Dashboard}/api/v2/applications/auth-redirect?", other.Header("Location"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credential_WebSocketOrPostFromAnotherPageOfTheSite_403_FromItsOwnOrigin_Forwarded()
    {
        var jar = await SignInAsync();
        var proxy = _fixture.Origin(_fixture.EchoPort);
        await Curl.RunAsync("-L", "-c", jar.Path, "-b", jar.Path, $"{proxy}/");
        var cookie = $"Cookie: agent_proxy={jar.Value($"{_fixture.EchoPort}--main.localhost", "agent_proxy")}";
        string[] upgrade = ["-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ=="];

        var ownPost = await Curl.RunAsync("-H", cookie, "-H", $"Origin: {proxy}", "--data", "a=1", $"{proxy}/form");
        var otherAppPost = await Curl.RunAsync("-H", cookie, "-H", $"Origin: {_fixture.Origin(_fixture.WebSocketPort)}", "--data", "a=1", $"{proxy}/form");
        var noOriginPost = await Curl.RunAsync("-H", cookie, "--data", "a=1", $"{proxy}/form");
        var otherAppSocket = await Curl.RunAsync([.. upgrade, "-H", cookie, "-H", $"Origin: http://localhost:{_fixture.Harness.Port}", $"{proxy}/socket"]);
        var otherAppGet = await Curl.RunAsync("-H", cookie, "-H", $"Origin: {_fixture.Origin(_fixture.WebSocketPort)}", $"{proxy}/page");

        Assert.Equal(200, ownPost.Status);
        Assert.Equal(403, otherAppPost.Status);
        Assert.Equal(403, noOriginPost.Status);
        Assert.Equal(403, otherAppSocket.Status);
        Assert.Equal(200, otherAppGet.Status); // a page of another origin cannot read it (CORS)
    }

    [Fact]
    public async Task Code_SingleUseAndBoundToItsHost()
    {
        var jar = await SignInAsync();
        var echoHost = $"{_fixture.EchoPort}--main.localhost:{_fixture.Harness.Port}";

        var first = await CodeAsync(jar, _fixture.EchoPort);
        var elsewhere = await Curl.RunAsync($"{_fixture.Origin(_fixture.WebSocketPort)}/.agent-proxy/callback?code={first}&redirect=/");
        var afterElsewhere = await Curl.RunAsync($"http://{echoHost}/.agent-proxy/callback?code={first}&redirect=/");
        var second = await CodeAsync(jar, _fixture.EchoPort);
        var once = await Curl.RunAsync($"http://{echoHost}/.agent-proxy/callback?code={second}&redirect=/x");
        var twice = await Curl.RunAsync($"http://{echoHost}/.agent-proxy/callback?code={second}&redirect=/x");

        Assert.Equal(401, elsewhere.Status);
        Assert.Equal(401, afterElsewhere.Status);
        Assert.Equal(303, once.Status);
        Assert.Equal("/x", once.Header("Location"));
        Assert.StartsWith("agent_proxy=", once.Header("Set-Cookie"), StringComparison.Ordinal);
        Assert.Contains("httponly", once.Header("Set-Cookie"), StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=lax", once.Header("Set-Cookie"), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(401, twice.Status);
        Assert.Null(twice.Header("Set-Cookie"));
    }

    [Fact]
    public async Task Callback_RedirectToAnotherHost_StaysOnThisOrigin()
    {
        var jar = await SignInAsync();
        var code = await CodeAsync(jar, _fixture.EchoPort);

        var answer = await Curl.RunAsync($"{_fixture.Origin(_fixture.EchoPort)}/.agent-proxy/callback?code={code}&redirect=//evil.example/");

        Assert.Equal(303, answer.Status);
        Assert.Equal("/", answer.Header("Location"));
    }

    [Theory]
    [InlineData("http://evil.example/")]
    [InlineData("http://{port}--main.localhost.evil.example:{plane}/")]
    [InlineData("http://{port}--main.localhost:1/")]
    [InlineData("http://{port}--nope.localhost:{plane}/")]
    [InlineData("http://user@{port}--main.localhost:{plane}/")]
    [InlineData("https://{port}--main.localhost:{plane}/")]
    [InlineData("//evil.example/")]
    [InlineData("javascript:alert(1)")]
    public async Task AuthRedirect_ToAnythingButAProxyAddressOfThisServer_400AndNoRedirect(string to)
    {
        var jar = await SignInAsync();
        var target = to.Replace("{port}", _fixture.EchoPort.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)
            .Replace("{plane}", _fixture.Harness.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);

        var answer = await Curl.RunAsync("-b", jar.Path, $"{Dashboard}/api/v2/applications/auth-redirect?to={Uri.EscapeDataString(target)}");

        Assert.Equal(400, answer.Status);
        Assert.Null(answer.Header("Location"));
    }

    [Fact]
    public async Task AuthRedirect_WithoutADashboardSession_SendsToSignInAndBack()
    {
        var to = Uri.EscapeDataString($"{_fixture.Origin(_fixture.EchoPort)}/");

        var answer = await Curl.RunAsync($"{Dashboard}/api/v2/applications/auth-redirect?to={to}");

        Assert.Equal(303, answer.Status);
        Assert.Equal($"/login?next={Uri.EscapeDataString($"/api/v2/applications/auth-redirect?to={to}")}", answer.Header("Location"));
    }

    [Fact]
    public async Task SignOut_EndsTheProxyCredentialsMadeFromIt()
    {
        var jar = await SignInAsync();
        await Curl.RunAsync("-L", "-c", jar.Path, "-b", jar.Path, $"{_fixture.Origin(_fixture.EchoPort)}/");
        var credential = jar.Value($"{_fixture.EchoPort}--main.localhost", "agent_proxy");
        Assert.Equal(200, (await Curl.RunAsync("-H", $"Cookie: agent_proxy={credential}", $"{_fixture.Origin(_fixture.EchoPort)}/")).Status);

        var signOut = await Curl.RunAsync("-X", "POST", "-b", jar.Path, "-H", $"Origin: {Dashboard}", $"{Dashboard}/logout");
        var after = await Curl.RunAsync("-H", $"Cookie: agent_proxy={credential}", $"{_fixture.Origin(_fixture.EchoPort)}/");

        Assert.Equal(303, signOut.Status);
        Assert.Equal(303, after.Status);
        Assert.StartsWith($"{Dashboard}/api/v2/applications/auth-redirect?", after.Header("Location"), StringComparison.Ordinal);
    }

    /// <summary>Signs in with the login URL <c>agent dev</c> prints, into a new cookie jar.</summary>
    private async Task<CookieJar> SignInAsync()
    {
        var jar = new CookieJar(_fixture.Harness.Combine($"jar-{Guid.NewGuid():N}.txt"));
        var answer = await Curl.RunAsync("-c", jar.Path, $"{Dashboard}/login?token={IntegrationHarness.UserToken}");
        Assert.Equal(303, answer.Status);
        Assert.Contains(jar.Cookies(), cookie => cookie.Name == "agent_session");
        return jar;
    }

    /// <summary>A one-time code for the proxy host of <paramref name="port"/>, from the dashboard's redirect.</summary>
    private async Task<string> CodeAsync(CookieJar jar, int port)
    {
        var answer = await Curl.RunAsync("-b", jar.Path, $"{Dashboard}/api/v2/applications/auth-redirect?to={Uri.EscapeDataString($"{_fixture.Origin(port)}/")}");
        Assert.Equal(303, answer.Status);
        var location = new Uri(answer.Header("Location")!);
        Assert.Equal($"{port}--main.localhost", location.Host);
        Assert.Equal("/.agent-proxy/callback", location.AbsolutePath);
        return System.Web.HttpUtility.ParseQueryString(location.Query)["code"]!;
    }
}
