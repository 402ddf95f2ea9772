using System.Text.Json;

namespace Agent.Specs.Integration.Audit;

/// <summary>
/// Connection reports of what reaches the agent through the control plane's relay, against <c>agent dev</c>: a web
/// terminal opened at <c>/api/v2/workspaceagents/{name}/pty</c> and <c>agent speedtest</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RelayedConnectionIntegrationSpecs(AuditedDevFixture fixture) : IClassFixture<AuditedDevFixture>
{
    private AuditedAgent Agent => fixture.Agent;

    [Fact]
    public async Task WebTerminal_Exit4_ConnectAndDisconnectWithStatus4()
    {
        var command = $"bash --norc --noprofile # {Guid.NewGuid():n}";
        await using (var terminal = await TerminalClient.ConnectAsync(Agent.Url, Guid.NewGuid().ToString(), command))
        {
            await terminal.SendAsync("exit 4\r");
            await terminal.WaitForCloseAsync();
        }

        var connection = await Agent.WaitForConnectionAsync(command, Ended);
        Assert.Equal("reconnecting_pty", connection.GetProperty("type").GetString());
        Assert.Equal("token", connection.GetProperty("who").GetString());
        Assert.Equal(4, connection.GetProperty("status_code").GetInt32());
        Assert.False(connection.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task WebTerminal_ClientLeaves_ReportsDetached()
    {
        var command = $"bash --norc --noprofile # {Guid.NewGuid():n}";
        await using (var terminal = await TerminalClient.ConnectAsync(Agent.Url, Guid.NewGuid().ToString(), command))
        {
            await terminal.SendAsync("echo rea''dy\r");
            await terminal.WaitForTextAsync("ready");
        }

        var connection = await Agent.WaitForConnectionAsync(command, Ended);
        Assert.Equal("detached", connection.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Speedtest_ThroughTheRelay_ReportedAsARelayedStream()
    {
        var result = await Agent.SpeedtestAsync("--time", "1s");

        Assert.True(result.ExitCode == 0, result.Error + result.Text);
        var connection = await Agent.WaitForConnectionAsync("speedtest", Ended);
        Assert.Equal("relay", connection.GetProperty("type").GetString());
        Assert.Equal("token", connection.GetProperty("who").GetString());
        Assert.Equal(string.Empty, connection.GetProperty("ip").GetString());
    }

    private static bool Ended(JsonElement connection)
        => connection.TryGetProperty("disconnected_at", out var ended) && ended.ValueKind != JsonValueKind.Null;
}
