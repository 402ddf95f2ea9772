using System.Text.RegularExpressions;
using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// The dashboard's sign-in, driven by real <c>curl</c>: a user token exchanged once for an <c>HttpOnly</c>,
/// <c>SameSite=Strict</c> cookie; what that cookie may do, and from which pages.
/// </summary>
public sealed partial class SignInSpecs : IAsyncLifetime
{
    private const string Summary = "api/v2/workspaceagents/main";
    private const string Pty = "api/v2/workspaceagents/main/pty?reconnect=0b6a4c1e-8d2f-4e5a-9c3b-1a2b3c4d5e6f&width=80&height=24";
    private ControlPlaneHarness _harness = null!;

    private string OwnOrigin => _harness.Address.GetLeftPart(UriPartial.Authority);

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task Login_WithTheUserToken_303ToNextWithoutTheTokenAndAnHttpOnlyStrictCookie()
    {
        var answer = await _harness.CurlAsync($"login?token={ControlPlaneHarness.UserToken}&next=%2Fagents%2Fmain", "-i");

        Assert.Equal(303, answer.Status);
        Assert.Matches("(?im)^location: /agents/main\r?$", answer.Body);
        Assert.Matches("(?im)^cache-control: no-store\r?$", answer.Body);
        var cookie = SetCookie().Match(answer.Body);
        Assert.True(cookie.Success, answer.Body);
        Assert.Matches("^[A-Za-z0-9_-]{43}$", cookie.Groups["id"].Value);
        var attributes = cookie.Groups["attributes"].Value.ToLowerInvariant();
        Assert.Contains("httponly", attributes, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", attributes, StringComparison.Ordinal);
        Assert.Contains("path=/", attributes, StringComparison.Ordinal);
        Assert.DoesNotContain(ControlPlaneHarness.UserToken, answer.Body, StringComparison.Ordinal);
        // ASP.NET Core's own request lines (Information, below the product's level for it) show the URL; ours never do.
        Assert.DoesNotContain(
            _harness.Logs.Messages.Where(message => !message.Contains(" Microsoft.AspNetCore.", StringComparison.Ordinal)),
            message => message.Contains(ControlPlaneHarness.UserToken, StringComparison.Ordinal) || message.Contains(cookie.Groups["id"].Value, StringComparison.Ordinal));
        Assert.Contains(_harness.Logs.Messages, message => message.Contains("Dashboard: signed in from", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("//evil.example/x")]
    [InlineData("http://evil.example/")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/\u00e9t\u00e9")] // not ASCII: no Location header could carry it
    [InlineData("")]
    public async Task Login_NextNotAPathOfThisServer_GoesToTheRoot(string next)
    {
        // curl encodes next itself (-G --data-urlencode): the harness's URL would reach curl unescaped.
        var answer = await _harness.CurlAsync($"login?token={ControlPlaneHarness.UserToken}", "-i", "-G", "--data-urlencode", $"next={next}");

        Assert.Equal(303, answer.Status);
        Assert.Matches("(?im)^location: /\r?$", answer.Body);
    }

    [Theory]
    [InlineData("wrong-token")]
    [InlineData("0b6a4c1e-8d2f-4e5a-9c3b-1a2b3c4d5e6f")] // the main agent's token is not a user token
    public async Task Login_NotAUserToken_401FormAndNoCookie(string token)
    {
        var answer = await _harness.CurlAsync($"login?token={token}", "-i");

        Assert.Equal(401, answer.Status);
        Assert.Contains("not a user token", answer.Body, StringComparison.Ordinal);
        Assert.DoesNotMatch("(?im)^set-cookie:", answer.Body);
    }

    [Fact]
    public async Task Login_NoToken_AFormThatPostsItWithNext()
    {
        var answer = await _harness.CurlAsync("login?next=%2Fagents%2Fmain", "-i");

        Assert.Equal(200, answer.Status);
        Assert.Contains("<form method=\"post\" action=\"/login\">", answer.Body, StringComparison.Ordinal);
        Assert.Contains("value=\"/agents/main\"", answer.Body, StringComparison.Ordinal);
        Assert.Matches("(?im)^content-security-policy: default-src 'none';.*frame-ancestors 'none'", answer.Body);
    }

    [Fact]
    public async Task LoginForm_PostedFromItsOwnPage_303ToNextWithTheCookie()
    {
        var answer = await _harness.CurlAsync(
            "login", "-i", "-H", $"Origin: {OwnOrigin}", "--data-urlencode", $"token={ControlPlaneHarness.UserToken}", "--data-urlencode", "next=/agents/main");

        Assert.Equal(303, answer.Status);
        Assert.Matches("(?im)^location: /agents/main\r?$", answer.Body);
        Assert.True(SetCookie().IsMatch(answer.Body), answer.Body);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://8000--main.localhost:7080")]
    public async Task LoginForm_PostedFromAnotherPageOrNone_403AndNoCookie(string? origin)
    {
        string[] withOrigin = origin is null ? [] : ["-H", $"Origin: {origin}"];

        var answer = await _harness.CurlAsync("login", ["-i", .. withOrigin, "--data-urlencode", $"token={ControlPlaneHarness.UserToken}"]);

        Assert.Equal(403, answer.Status);
        Assert.DoesNotMatch("(?im)^set-cookie:", answer.Body);
    }

    [Fact]
    public async Task Cookie_ReadsTheUserApiAndItsEventStream()
    {
        var cookie = await SignInAsync();

        var summary = await _harness.CurlAsync(Summary, "-b", cookie);
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { BaseAddress = _harness.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v2/workspaceagents/main/events");
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", OwnOrigin);
        using var events = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(200, summary.Status);
        Assert.Contains("\"name\":\"main\"", summary.Body, StringComparison.Ordinal);
        Assert.Equal(System.Net.HttpStatusCode.OK, events.StatusCode);
        Assert.Equal("text/event-stream", events.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Cookie_WebSocketWithoutAnOrigin_403()
    {
        var cookie = await SignInAsync();

        var answer = await _harness.CurlAsync(Pty, [.. WebSocketUpgrade(), "-b", cookie]);

        Assert.Equal(403, answer.Status);
        Assert.Equal("Cross-site request refused.", answer.Message());
    }

    [Fact]
    public async Task CoderCookie_WebSocketWithoutAnOrigin_403LikeTheDashboards()
    {
        var answer = await _harness.CurlAsync(Pty, [.. WebSocketUpgrade(), "-b", $"coder_session_token={ControlPlaneHarness.UserToken}"]);

        Assert.Equal(403, answer.Status);
    }

    [Fact]
    public async Task Cookie_WebSocketFromAnotherOrigin_403()
    {
        var cookie = await SignInAsync();

        var answer = await _harness.CurlAsync(Pty, [.. WebSocketUpgrade(), "-b", cookie, "-H", $"Origin: http://8000--main.localhost:{_harness.Address.Port}"]);

        Assert.Equal(403, answer.Status);
    }

    [Fact]
    public async Task Cookie_WebSocketFromItsOwnOrigin_PassesTheSignInCheck()
    {
        var cookie = await SignInAsync();

        var answer = await _harness.CurlAsync(Pty, [.. WebSocketUpgrade(), "-b", cookie, "-H", $"Origin: {OwnOrigin}"]);

        // No agent is connected in this harness: the terminal endpoint itself answers, not the sign-in check.
        Assert.NotEqual(401, answer.Status);
        Assert.NotEqual(403, answer.Status);
    }

    [Fact]
    public async Task Token_WebSocketWithoutAnOrigin_StillServed()
    {
        var answer = await _harness.CurlAsync(Pty, [.. WebSocketUpgrade(), "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}"]);

        Assert.NotEqual(401, answer.Status);
        Assert.NotEqual(403, answer.Status);
    }

    [Fact]
    public async Task Logout_FromItsOwnOrigin_EndsTheSessionAndClearsTheCookie()
    {
        var cookie = await SignInAsync();

        var answer = await _harness.CurlAsync("logout", "-i", "-X", "POST", "-b", cookie, "-H", $"Origin: {OwnOrigin}");
        var after = await _harness.CurlAsync(Summary, "-b", cookie);

        Assert.Equal(303, answer.Status);
        Assert.Matches("(?im)^location: /login\r?$", answer.Body);
        Assert.Matches("(?im)^set-cookie: agent_session=;.*expires=Thu, 01 Jan 1970", answer.Body);
        Assert.Equal(401, after.Status);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("http://evil.example")]
    [InlineData("null")]
    public async Task Logout_NotFromItsOwnOrigin_403AndTheSessionLives(string? origin)
    {
        var cookie = await SignInAsync();
        string[] withOrigin = origin is null ? [] : ["-H", $"Origin: {origin}"];

        var answer = await _harness.CurlAsync("logout", ["-X", "POST", "-b", cookie, .. withOrigin]);
        var after = await _harness.CurlAsync(Summary, "-b", cookie);

        Assert.Equal(403, answer.Status);
        Assert.Equal(200, after.Status);
    }

    [Fact]
    public async Task Login_AgainWithASessionCookie_TheOldSessionEnds()
    {
        var old = await SignInAsync();

        var again = await _harness.CurlAsync($"login?token={ControlPlaneHarness.UserToken}", "-i", "-b", old);
        var withOld = await _harness.CurlAsync(Summary, "-b", old);

        Assert.Equal(303, again.Status);
        Assert.Equal(401, withOld.Status);
    }

    [Fact]
    public async Task Cookie_AForgedSession_401()
    {
        var answer = await _harness.CurlAsync(Summary, "-b", $"{BrowserSessions.CookieName}={new string('A', 43)}");

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task Cookie_AnEndedDashboardSessionBesideCodersCookie_CodersCookieCounts()
    {
        var answer = await _harness.CurlAsync(Summary, "-b", $"{BrowserSessions.CookieName}={new string('A', 43)}; coder_session_token={ControlPlaneHarness.UserToken}");

        Assert.Equal(200, answer.Status);
    }

    [GeneratedRegex("(?im)^set-cookie: agent_session=(?<id>[^;\r\n]+)(?<attributes>[^\r\n]*)")]
    private static partial Regex SetCookie();

    private static string[] WebSocketUpgrade()
        => ["-H", "Connection: Upgrade", "-H", "Upgrade: websocket", "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==", "--max-time", "3"];

    /// <summary>Signs in with the user token and returns the cookie as curl's <c>-b</c> takes it.</summary>
    private async Task<string> SignInAsync()
    {
        var answer = await _harness.CurlAsync($"login?token={ControlPlaneHarness.UserToken}", "-i");
        var cookie = SetCookie().Match(answer.Body);
        Assert.True(cookie.Success, answer.Body);
        return $"{BrowserSessions.CookieName}={cookie.Groups["id"].Value}";
    }
}
