using System.Net.WebSockets;

namespace Agent.Specs.Integration.Relay;

/// <summary>What clients see when the control plane or the agent dies under them, and that both come back.</summary>
public sealed class RelayFailureSpecs : IAsyncLifetime
{
    private readonly RelayFixture _fixture = new();

    private IntegrationHarness Harness => _fixture.Harness;

    public Task InitializeAsync() => _fixture.InitializeAsync();

    public Task DisposeAsync() => _fixture.DisposeAsync();

    [Fact]
    public async Task ControlPlaneKilledDuringATransfer_SshFailsCleanly_ThenTheAgentReconnects()
    {
        using var transfer = RunningProcess.Start(SshStartInfo("while :; do echo tick; sleep 0.1; done"), "ssh ticking");
        await transfer.WaitForOutputAsync("tick", RelayFixture.Deadline);

        Harness.Server!.Signal("KILL");
        var exit = await transfer.WaitForExitAsync(RelayFixture.Deadline);

        Assert.NotEqual(0, exit);
        Assert.Contains("agent proxy:", transfer.Output, StringComparison.Ordinal);

        await Harness.StartServerAsync();
        await _fixture.WaitForRelayAsync();
        var result = await _fixture.SshAsync("echo back");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("back\n", result.Text);
    }

    [Fact]
    public async Task AgentKilled_OpenStreamsCloseWithAReason_ThenANewAgentServes()
    {
        using var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Coder-Session-Token", IntegrationHarness.UserToken);
        await socket.ConnectAsync(new Uri($"ws://{Harness.Url.Authority}/api/v2/workspaceagents/main/connect?port=1"), CancellationToken.None);

        Harness.Agent!.Signal("KILL");
        var buffer = new byte[4096];
        using var timeout = new CancellationTokenSource(RelayFixture.Deadline);
        while ((await socket.ReceiveAsync(buffer, timeout.Token)).MessageType != WebSocketMessageType.Close)
        {
            // The agent's SSH banner, then the close.
        }

        Assert.Equal(WebSocketCloseStatus.InternalServerError, socket.CloseStatus);
        Assert.False(string.IsNullOrEmpty(socket.CloseStatusDescription));
        var refused = await _fixture.SshAsync("true");
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("agent proxy: ", refused.Error, StringComparison.Ordinal);

        Harness.StartAgent();
        await _fixture.WaitForRelayAsync();
        var result = await _fixture.SshAsync("echo again");
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("again\n", result.Text);
    }

    private System.Diagnostics.ProcessStartInfo SshStartInfo(string command)
    {
        var info = new System.Diagnostics.ProcessStartInfo("ssh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var option in _fixture.SshOptions())
            info.ArgumentList.Add(option);
        info.ArgumentList.Add("agent.main");
        info.ArgumentList.Add(command);
        return info;
    }
}
