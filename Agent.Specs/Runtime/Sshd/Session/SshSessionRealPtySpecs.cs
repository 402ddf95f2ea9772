using System.Text;
using Agent.Runtime.Os.Pty;
using Agent.Runtime.Sshd.Session;
using Agent.Specs.Fakes.Ssh;
using Agent.Specs.Utilities;
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

    [Fact]
    public async Task Output_MoreThanTheWindowToAClientThatDoesNotRead_TheServerReadsOneChunkBeyondItAndLosesNothingWhenTheWindowOpens()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: RealPty);
        var script = harness.Home.Combine("writer.py");
        var progress = harness.Home.Combine("progress");
        await File.WriteAllTextAsync(script, WriterScript);
        harness.Client.AutoAdjustWindow = false;
        var channel = await harness.Client.OpenAsync(window: Window);
        Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0).WriteBinary([0])));
        Assert.True(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString($"exec /usr/bin/python3 {script} {progress} {Total}")));

        // The window fills, then the writer stalls: what it wrote is the window, what the server read beyond it, and
        // the kernel's terminal buffer.
        await harness.Client.WaitAsync(() => channel.LocalWindow == 0, "the window to fill");
        long previous = -1;
        var written = await Eventually.WaitAsync(
            () =>
            {
                var now = File.Exists(progress) && long.TryParse(File.ReadAllText(progress), out var value) ? value : 0;
                var stalled = now == previous;
                previous = now;
                return Task.FromResult<long?>(stalled ? now : null);
            },
            value => value is not null,
            "the writer to stall");
        Assert.InRange(written!.Value, Window, Window + HeldBeyondTheWindow);

        harness.Client.AutoAdjustWindow = true;
        harness.Client.AdjustWindow(channel, Total);
        await harness.Client.WaitClosedAsync(channel);
        var received = harness.Client.Read(() => channel.Stdout.ToArray());
        Assert.Equal(Total, received.Length);
        Assert.True(received.AsSpan().SequenceEqual(Pattern(Total)), "the output arrives in order, nothing lost or repeated");
        Assert.Equal(0u, harness.Client.Read(() => channel.ExitStatus));
        Assert.Empty(harness.Client.Violations);
    }

    private const int Window = 64 * 1024;
    private const int Total = 4 * 1024 * 1024;

    // One terminal read in flight (16 KiB at most) plus what the kernel buffers between the slave and the master
    // (about 4 KiB seen here), generously; a queue of chunks (64 of them, once) exceeds it.
    private const int HeldBeyondTheWindow = 96 * 1024;

    // Writes the pattern in blocks to the terminal, recording after each write how much the terminal took.
    private const string WriterScript = """
        import os, sys
        progress, total = sys.argv[1], int(sys.argv[2])
        pattern = b"0123456789abcdef" * 300
        done = 0
        while done < total:
            start = done % 16
            done += os.write(1, pattern[start:start + min(4096, total - done)])
            with open(progress + ".tmp", "w") as f:
                f.write(str(done))
            os.replace(progress + ".tmp", progress)
        """;

    private static byte[] Pattern(int length)
    {
        var result = new byte[length];
        for (var i = 0; i < length; i++)
            result[i] = (byte)"0123456789abcdef"[i % 16];
        return result;
    }

    // The bound, in bytes rather than in the server's constants: a 256 KiB window, one 128 KiB read pending, and what
    // the kernel's pseudo-terminal takes before a write to it blocks (its input and flip buffers), generously 128 KiB.
    private const int HeldAtMost = 512 * 1024;

    private static SshSessionOptions RealPty(SshSessionOptions options)
        => options with { PtyLauncher = new PtyLauncher(NullLogger<PtyLauncher>.Instance, "/bin/sh") };
}
