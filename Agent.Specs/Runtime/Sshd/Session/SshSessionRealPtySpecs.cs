using System.Text;
using Agent.Runtime.Os.Pty;
using Agent.Runtime.Sshd.Session;
using Agent.Specs.Fakes.Ssh;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Sshd.Session;

public class SshSessionRealPtySpecs
{
    [Fact]
    public async Task ExecWithPty_TtyThenSttySizeAfterWindowChange_ReportsTheTerminalAndItsNewSize()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: RealPty);
        var channel = await harness.Client.OpenAsync();
        Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0).WriteBinary([0])));
        Assert.True(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString("tty; echo \"term=$TERM\"; read line; stty size")));
        await harness.Client.WaitAsync(() => channel.StdoutText.Contains("term=xterm", StringComparison.Ordinal), "tty and TERM");
        Assert.Contains("/dev/pts/", harness.Client.Read(() => channel.StdoutText), StringComparison.Ordinal);
        harness.Client.RequestNoReply(channel, "window-change", w => w.WriteUInt32(100).WriteUInt32(30).WriteUInt32(0).WriteUInt32(0));
        Assert.True(await harness.Client.RequestAsync(channel, "env-probe-after-resize@example.com") is false);
        await harness.Client.SendDataAsync(channel, Encoding.UTF8.GetBytes("go\r"));
        await harness.Client.WaitClosedAsync(channel);
        Assert.Contains("30 100", harness.Client.Read(() => channel.StdoutText), StringComparison.Ordinal);
        Assert.Equal(0u, harness.Client.Read(() => channel.ExitStatus));
    }

    [Fact]
    public async Task Input_ToAProcessThatNeverReadsIt_TheServerTakesNoMoreThanItsInitialWindowOneReadAndTheTerminalsBuffer()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: RealPty);
        var channel = await harness.Client.OpenAsync();
        Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0).WriteBinary([0])));
        Assert.True(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString("echo started; exec sleep 60")));
        await harness.Client.WaitAsync(() => channel.StdoutText.Contains("started", StringComparison.Ordinal), "the process to start");
        var sending = harness.Client.SendDataAsync(channel, new byte[8 * 1024 * 1024]);

        // The client stops when the server's window is used up and no WINDOW_ADJUST comes; a request answered after
        // that shows the server dispatched everything before it. What was sent is what the server holds (queued, in
        // its one pending write, or in the kernel's terminal buffer) for a process that reads nothing.
        await harness.Client.WaitAsync(() => channel.RemoteWindow == 0, "the server's window to be used up");
        await harness.Client.RequestAsync(channel, "round-trip@example.com");
        var accepted = harness.Client.Read(() => channel.DataSent);

        Assert.False(sending.IsCompleted, "8 MiB cannot fit in the bounded window");
        Assert.InRange(accepted, 1, HeldAtMost);
        harness.Client.SendClose(channel);
        await harness.Client.WaitClosedAsync(channel);
    }

    // The bound, in bytes rather than in the server's constants: a 256 KiB window, one 128 KiB read pending, and what
    // the kernel's pseudo-terminal takes before a write to it blocks (its input and flip buffers), generously 128 KiB.
    private const int HeldAtMost = 512 * 1024;

    private static SshSessionOptions RealPty(SshSessionOptions options)
        => options with { PtyLauncher = new PtyLauncher(NullLogger<PtyLauncher>.Instance, "/bin/sh") };
}
