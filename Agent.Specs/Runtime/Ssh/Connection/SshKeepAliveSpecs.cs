using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Fakes.Ssh;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Connection;

/// <summary>
/// sshd's ClientAlive in virtual time: a client silent for an interval gets a keepalive request, is dropped after
/// CountMax unanswered ones, and any message from it resets the count.
/// </summary>
public sealed class SshKeepAliveSpecs
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task SilentClient_DroppedAfterCountMaxUnansweredKeepalives()
    {
        var time = new VirtualTimeProvider();
        await using var harness = await SshServerHarness.LoggedInAsync(options => WithKeepAlive(options, time, countMax: 2));

        await TickAsync(time, harness, keepalivesSoFar: 1);
        await TickAsync(time, harness, keepalivesSoFar: 2);
        await AdvanceAsync(time);
        await harness.Client.WaitAsync(() => harness.Transport.DisconnectedWith is not null, "the keepalive timeout");

        Assert.Equal(DisconnectReason.ConnectionLost, harness.Transport.DisconnectedWith);
        Assert.Equal(["keepalive@openssh.com", "keepalive@openssh.com"], harness.Client.ServerGlobalRequests);
        Assert.Contains(harness.Logger.Warnings, entry => entry.Contains("keepalive", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AnsweredKeepalive_ResetsTheCount()
    {
        var time = new VirtualTimeProvider();
        await using var harness = await SshServerHarness.LoggedInAsync(options => WithKeepAlive(options, time, countMax: 2));

        await TickAsync(time, harness, keepalivesSoFar: 1);

        // The answer comes 10 s later; the next check, 20 s after it, finds the client heard from.
        time.Advance(TimeSpan.FromSeconds(10));
        harness.Client.Send(SshTestClient.Message(MessageNumber.RequestFailure));
        await harness.Client.GlobalRequestAsync("no-such-request@example.com");
        await AdvanceAsync(time, TimeSpan.FromSeconds(20));
        await TickAsync(time, harness, keepalivesSoFar: 2);
        await TickAsync(time, harness, keepalivesSoFar: 3);

        // Without the reset, the third keepalive would have been the drop.
        Assert.Null(harness.Transport.DisconnectedWith);
        await AdvanceAsync(time);
        await harness.Client.WaitAsync(() => harness.Transport.DisconnectedWith is not null, "the keepalive timeout");
        Assert.Equal(DisconnectReason.ConnectionLost, harness.Transport.DisconnectedWith);
        Assert.Equal(3, harness.Client.ServerGlobalRequests.Count);
    }

    private static SshConnectionOptions WithKeepAlive(SshConnectionOptions options, VirtualTimeProvider time, int countMax)
        => options with { KeepAliveInterval = Interval, KeepAliveCountMax = countMax, TimeProvider = time };

    // Waits until the keepalive loop waits for the next interval, then moves the clock to it (a whole interval by default).
    private static async Task AdvanceAsync(VirtualTimeProvider time, TimeSpan? by = null)
    {
        var step = by ?? Interval;
        await WaitForTimerAsync(time, time.Now + step);
        time.Advance(step);
    }

    private static async Task TickAsync(VirtualTimeProvider time, SshServerHarness harness, int keepalivesSoFar)
    {
        await AdvanceAsync(time);
        await harness.Client.WaitAsync(() => harness.Client.ServerGlobalRequests.Count == keepalivesSoFar, $"keepalive {keepalivesSoFar}");
    }

    private static Task WaitForTimerAsync(VirtualTimeProvider time, TimeSpan moment)
        => Eventually.WaitAsync(() => time.HasTimerDueAt(moment), $"a timer due at {moment}");
}
