using Agent.Runtime.ControlPlaneClient;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.ControlPlaneClient;

public sealed class SameOriginRedirectHandlerSpecs
{
    private const string Token = "same-origin-token";

    [Fact]
    public async Task Get_RedirectWithinTheOrigin_FollowedWithTheToken()
    {
        await using var server = new RecordingHttpServer(path => path == "/old"
            ? "HTTP/1.1 302 Found\r\nLocation: /new\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
            : "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
        using var http = TokenHttpClient.Create(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), server.Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, "old");
        request.Headers.Add("Coder-Session-Token", Token);

        using var response = await http.SendAsync(request);

        Assert.Equal("ok", await response.Content.ReadAsStringAsync());
        Assert.Equal(2, server.Requests.Count);
        Assert.All(server.Requests, head => Assert.Contains($"Coder-Session-Token: {Token}", head, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Get_RedirectToAnotherPort_RefusedNamingBothOrigins()
    {
        await using var elsewhere = new RecordingHttpServer(RecordingHttpServer.Unauthorized);
        await using var server = new RecordingHttpServer(RecordingHttpServer.RedirectTo(elsewhere.Url));
        using var http = TokenHttpClient.Create(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10), server.Url);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api");
        request.Headers.Add("Coder-Session-Token", Token);

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => http.SendAsync(request));

        Assert.Contains($"redirected to {SameOriginRedirectHandler.Origin(elsewhere.Url)}", failure.Message, StringComparison.Ordinal);
        Assert.Empty(elsewhere.Requests);
    }
}
