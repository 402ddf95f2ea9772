using System.Net;
using System.Net.Sockets;
using Agent.Runtime.Hosting.Effects;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.Hosting.Effects;

public sealed class HttpProbeSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource _releaseSlow = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly HttpProbe _probe = new();
    private WebApplication? _server;
    private Uri _base = new("http://127.0.0.1/");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        _server = builder.Build();
        _server.MapGet("/ok", () => Results.Ok());
        _server.MapGet("/fail", () => Results.StatusCode(500));
        _server.MapGet("/redirect", () => Results.Redirect("/fail"));
        _server.MapGet("/slow", async (HttpContext context) =>
        {
            await _releaseSlow.Task.WaitAsync(context.RequestAborted);
            return Results.Ok();
        });
        await _server.StartAsync();
        var address = _server.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        _base = new Uri(address + "/");
    }

    public async Task DisposeAsync()
    {
        _releaseSlow.TrySetResult();
        _probe.Dispose();
        if (_server is not null)
            await _server.DisposeAsync();
    }

    [Theory]
    [InlineData("ok", 200)]
    [InlineData("fail", 500)]
    [InlineData("missing", 404)]
    [InlineData("redirect", 500)]
    public async Task GetStatus_Answer_ReturnsStatusCode(string path, int expected)
    {
        var status = await _probe.GetStatusAsync(new Uri(_base, path), Generous, CancellationToken.None);

        Assert.Equal(expected, status);
    }

    [Fact]
    public async Task GetStatus_NoAnswerWithinTimeout_ThrowsTimeoutException()
    {
        await Assert.ThrowsAsync<TimeoutException>(
            () => _probe.GetStatusAsync(new Uri(_base, "slow"), TimeSpan.FromMilliseconds(200), CancellationToken.None).WaitAsync(Generous));
    }

    [Fact]
    public async Task GetStatus_CallerCancels_ThrowsOperationCanceled()
    {
        using var cancellation = new CancellationTokenSource();
        var probe = _probe.GetStatusAsync(new Uri(_base, "slow"), Generous, cancellation.Token);

        cancellation.Cancel();

        var exception = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => probe.WaitAsync(Generous));
        Assert.IsNotType<TimeoutException>(exception);
    }

    [Fact]
    public async Task GetStatus_NothingListening_ThrowsTransportError()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();

        await Assert.ThrowsAsync<HttpRequestException>(
            () => _probe.GetStatusAsync(new Uri($"http://127.0.0.1:{port}/"), Generous, CancellationToken.None).WaitAsync(Generous));
    }
}
