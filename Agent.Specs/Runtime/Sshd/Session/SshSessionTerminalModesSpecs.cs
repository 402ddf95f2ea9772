using Agent.Reactive.Effects;
using Agent.Specs.Fakes.Ssh;

namespace Agent.Specs.Runtime.Sshd.Session;

/// <summary>The terminal modes of <c>pty-req</c> reach the terminal's start; a malformed blob refuses that request only.</summary>
public class SshSessionTerminalModesSpecs
{
    [Fact]
    public async Task PtyReq_WithModes_StartsTheTerminalWithThemDecoded()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.OpenAsync();

        Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0)
            .WriteBinary([3, 0, 0, 0, 8, 53, 0, 0, 0, 0, 128, 0, 0, 0x96, 0, 0])));
        Assert.True(await harness.Client.RequestAsync(channel, "shell"));

        var pty = Assert.Single(harness.Pty.Started);
        Assert.Equal([new TerminalMode(3, 8), new TerminalMode(53, 0), new TerminalMode(128, 38400)], pty.Spec.Modes!);
    }

    [Fact]
    public async Task PtyReq_ModesCutShort_IsRefusedAndTheSessionGoesOnWithoutATerminal()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.OpenAsync();

        Assert.False(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0)
            .WriteBinary([3, 0, 0, 0, 8, 53, 0, 0])));
        Assert.True(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString("echo still here")));

        await harness.Client.WaitClosedAsync(channel);
        Assert.Empty(harness.Pty.Started);
        Assert.Equal("still here\n", harness.Client.Read(() => channel.StdoutText));
        Assert.Empty(harness.Client.Violations);
    }
}
