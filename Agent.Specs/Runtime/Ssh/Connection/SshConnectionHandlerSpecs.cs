using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Fakes.Ssh;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Connection;

public class SshConnectionHandlerSpecs
{
    [Fact]
    public async Task ClientLeaving_EndsTheConnection()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        harness.Transport.ClientClose();
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Null(harness.Transport.DisconnectedWith);
    }

    [Fact]
    public async Task MaxConnectionLifetime_DisconnectsByApplication()
    {
        var time = new VirtualTimeProvider();
        await using var harness = await SshServerHarness.LoggedInAsync(options => options with { MaxConnectionLifetime = TimeSpan.FromHours(1), KeepAliveInterval = null, TimeProvider = time });

        await Eventually.WaitAsync(() => time.HasTimerDueAt(TimeSpan.FromHours(1)), "the lifetime timer");
        time.Advance(TimeSpan.FromHours(1) - TimeSpan.FromSeconds(1));
        Assert.False(harness.Server.IsCompleted);
        time.Advance(TimeSpan.FromSeconds(1));
        await harness.Server.WaitAsync(SshTestClient.Deadline);

        Assert.Equal(DisconnectReason.ByApplication, harness.Transport.DisconnectedWith);
        Assert.Contains("maximum", harness.Transport.DisconnectDescription, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticationTimeout_DisconnectsAClientThatNeverLogsIn()
    {
        var time = new VirtualTimeProvider();
        await using var harness = new SshServerHarness(options => options with { AuthenticationTimeout = TimeSpan.FromMinutes(2), TimeProvider = time });

        await Eventually.WaitAsync(() => time.HasTimerDueAt(TimeSpan.FromMinutes(2)), "the authentication timer");
        time.Advance(TimeSpan.FromMinutes(2));
        await harness.Server.WaitAsync(SshTestClient.Deadline);

        Assert.Equal(DisconnectReason.ByApplication, harness.Transport.DisconnectedWith);
        Assert.Equal("authentication took too long", harness.Transport.DisconnectDescription);
    }

    [Fact]
    public async Task UnexpectedMessage_EndsThatConnectionWithAReason()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        harness.Client.Send([200, 1, 2, 3]);
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        Assert.Equal(DisconnectReason.ProtocolError, harness.Transport.DisconnectedWith);
        Assert.Contains(harness.Logger.Warnings, w => w.Contains("unexpected message 200", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Traffic_IsCountedBothWays()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        harness.Counters.TakeWindow();
        var channel = await harness.Client.ExecAsync("cat");
        await harness.Client.SendDataAsync(channel, new byte[1000]);
        harness.Client.SendEof(channel);
        await harness.Client.WaitClosedAsync(channel);
        var stats = harness.Counters.TakeWindow();
        Assert.Equal(1000, stats.RxBytes);
        Assert.Equal(1000, stats.TxBytes);
    }
}
