using System.Security.Cryptography;
using Agent.Runtime.Relay.Dialer;
using Agent.Specs.Fakes.Relay;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Relay.Dialer;

public sealed class RelayDialerSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);
    private FakeRelayServer _server = null!;

    public async Task InitializeAsync() => _server = await FakeRelayServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task ConnectAsync_EchoPort_BytesComeBackAndOurHalfCloseEndsTheirSide()
    {
        var payload = RandomNumberGenerator.GetBytes(300 * 1024);
        await using var stream = await ConnectAsync(FakeRelayServer.EchoPort);

        var reading = ReadToEndAsync(stream);
        await stream.WriteAsync(payload);
        await stream.CompleteWritesAsync();

        Assert.Equal(payload, await reading.WaitAsync(Deadline));
        Assert.Equal([FakeRelayServer.EchoPort], _server.Dials);
    }

    [Fact]
    public async Task ConnectAsync_PeerHalfClosesFirst_ReadEndsWhileWritingStillWorks()
    {
        await using var stream = await ConnectAsync(FakeRelayServer.GreetingPort);

        var text = await ReadToEndAsync(stream).WaitAsync(Deadline);
        await stream.WriteAsync("still open"u8.ToArray());

        Assert.Equal(FakeRelayServer.Greeting, System.Text.Encoding.UTF8.GetString(text));
    }

    [Fact]
    public async Task Read_PeerFailsTheStream_ThrowsIOExceptionWithTheReason()
    {
        await using var stream = await ConnectAsync(FakeRelayServer.FailingPort);

        await stream.WriteAsync("x"u8.ToArray());
        var failure = await Assert.ThrowsAsync<IOException>(() => ReadToEndAsync(stream).WaitAsync(Deadline));

        Assert.Contains(FakeRelayServer.FailureReason, failure.Message, StringComparison.Ordinal);
        Assert.Contains("1011", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_WrongToken_RelayErrorAnd401WithoutTheToken()
    {
        const string token = "wrong-token-0d9c";

        var failure = await Assert.ThrowsAsync<RelayDialException>(
            () => RelayDialer.ConnectAsync(_server.BaseUrl, token, FakeRelayServer.AgentName, FakeRelayServer.EchoPort, CancellationToken.None));

        Assert.Equal(401, failure.StatusCode);
        Assert.Contains("Invalid user token. (401)", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, failure.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_UnknownAgent_404WithTheControlPlanesMessage()
    {
        var failure = await Assert.ThrowsAsync<RelayDialException>(
            () => RelayDialer.ConnectAsync(_server.BaseUrl, FakeRelayServer.Token, "ghost", FakeRelayServer.EchoPort, CancellationToken.None));

        Assert.Equal(404, failure.StatusCode);
        Assert.Equal("agent \"ghost\" port 7000: Workspace agent not found. (404)", failure.Message);
    }

    [Fact]
    public async Task ConnectAsync_AgentCannotReachThePort_502WithTheAgentsMessage()
    {
        var failure = await Assert.ThrowsAsync<RelayDialException>(() => ConnectAsync(FakeRelayServer.UnreachablePort));

        Assert.Equal(502, failure.StatusCode);
        Assert.Equal($"agent \"main\" port 7003: {FakeRelayServer.UnreachableMessage} (502)", failure.Message);
    }

    [Fact]
    public async Task ConnectAsync_StatusWithoutRelayErrorHeader_ExplainedByStatus()
    {
        var failure = await Assert.ThrowsAsync<RelayDialException>(() => ConnectAsync(FakeRelayServer.SilentTimeoutPort));

        Assert.Equal(504, failure.StatusCode);
        Assert.Equal("agent \"main\" port 7004: the agent did not answer in time (504)", failure.Message);
    }

    [Fact]
    public async Task ConnectAsync_NothingListens_CannotReachTheControlPlane()
    {
        var url = new Uri($"http://127.0.0.1:{FreePort.Next()}/");

        var failure = await Assert.ThrowsAsync<RelayDialException>(
            () => RelayDialer.ConnectAsync(url, FakeRelayServer.Token, "main", 1, CancellationToken.None));

        Assert.Equal(0, failure.StatusCode);
        Assert.StartsWith($"cannot reach the control plane at {url}: ", failure.Message, StringComparison.Ordinal);
        Assert.Contains("refused", failure.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ConnectAsync_NoAnswerWithinTheTimeout_SaysSo()
    {
        var failure = await Assert.ThrowsAsync<RelayDialException>(
            () => RelayDialer.ConnectAsync(
                _server.BaseUrl, FakeRelayServer.Token, FakeRelayServer.AgentName, FakeRelayServer.HangingPort, TimeSpan.FromMilliseconds(300), CancellationToken.None));

        Assert.Contains("did not open agent \"main\" port 7005 within 0.3 s", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectAsync_CallerCancels_OperationCanceled()
    {
        using var cancel = new CancellationTokenSource();
        var dial = RelayDialer.ConnectAsync(_server.BaseUrl, FakeRelayServer.Token, FakeRelayServer.AgentName, FakeRelayServer.HangingPort, cancel.Token);
        await Eventually.WaitAsync(() => _server.Dials.Count == 1, "the dial to arrive");

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dial.WaitAsync(Deadline));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(65536)]
    public async Task ConnectAsync_PortOutOfRange_ThrowsBeforeDialing(int port)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => ConnectAsync(port));

        Assert.Empty(_server.Dials);
    }

    [Theory]
    [InlineData("http://cp.example:3000", "ws://cp.example:3000/api/v2/workspaceagents/main/connect?port=22")]
    [InlineData("https://cp.example", "wss://cp.example/api/v2/workspaceagents/main/connect?port=22")]
    [InlineData("https://cp.example/prefix/?x=1", "wss://cp.example/prefix/api/v2/workspaceagents/main/connect?port=22")]
    public void ConnectUri_ControlPlaneUrl_WebSocketAddressOfConnect(string controlPlane, string expected)
        => Assert.Equal(expected, RelayDialer.ConnectUri(new Uri(controlPlane), "main", 22).ToString());

    [Fact]
    public void ConnectUri_AgentNameWithSlash_IsEscaped()
        => Assert.Equal("/api/v2/workspaceagents/a%2Fb/connect", RelayDialer.ConnectUri(new Uri("http://h"), "a/b", 1).AbsolutePath);

    private static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var all = new MemoryStream();
        await stream.CopyToAsync(all);
        return all.ToArray();
    }

    private Task<Agent.Runtime.Relay.WebSockets.DuplexWebSocketStream> ConnectAsync(int port)
        => RelayDialer.ConnectAsync(_server.BaseUrl, FakeRelayServer.Token, FakeRelayServer.AgentName, port, CancellationToken.None);
}
