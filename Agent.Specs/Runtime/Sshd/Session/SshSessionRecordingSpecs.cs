using System.Reactive.Concurrency;
using Agent.Reactive.Recording;
using Agent.Runtime.Os.Pty;
using Agent.Runtime.Sshd.Session;
using Agent.Specs.Fakes.Recording;
using Agent.Specs.Fakes.Ssh;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Sshd.Session;

/// <summary>SSH sessions on a real PTY through the recording launcher, as the agent wires it, against a fake control plane.</summary>
public sealed class SshSessionRecordingSpecs
{
    private readonly RecordingLogger _logger = new();

    [Fact]
    public async Task RequiredRecording_OldControlPlane_RefusesThePtySessionWithTheReasonAndStatus1_TheCommandNeverRuns_AndAsksOncePerConnection()
    {
        var plane = new RecordingControlPlane(Scheduler.Default) { StartFailure = RecordingControlPlane.NotFound };
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: Recorded(plane, RecordingMode.Required));
        var marker = harness.Home.Combine("ran");

        foreach (var _ in Enumerable.Range(0, 2))
        {
            var channel = await harness.Client.OpenAsync();
            Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0).WriteBinary([0])));
            Assert.True(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString($"touch '{marker}'")));
            await harness.Client.WaitClosedAsync(channel);

            Assert.Contains("session recording is required in this workspace and it could not start", harness.Client.Read(() => channel.StdoutText), StringComparison.Ordinal);
            Assert.Equal(1u, harness.Client.Read(() => channel.ExitStatus));
        }

        Assert.False(File.Exists(marker));
        Assert.Single(plane.Starts);
        Assert.Single(_logger.Warnings, w => w.Contains("does not take session recordings (404)", StringComparison.Ordinal));
        Assert.Equal(2, _logger.Warnings.Count(w => w.Contains("Refusing a ssh session", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task OnRecording_PtySession_ItsOutputAndResizeAreRecorded_WhoIsTheUserAndAddress()
    {
        var plane = new RecordingControlPlane(Scheduler.Default);
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: Recorded(plane, RecordingMode.On));
        var channel = await harness.Client.OpenAsync();
        Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0).WriteBinary([0])));
        Assert.True(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString("read line; echo re''corded")));
        harness.Client.RequestNoReply(channel, "window-change", w => w.WriteUInt32(100).WriteUInt32(30).WriteUInt32(0).WriteUInt32(0));
        await harness.Client.SendDataAsync(channel, "go\r"u8.ToArray());
        await harness.Client.WaitClosedAsync(channel);
        await Eventually.WaitAsync(() => plane.Ends.Count == 1, "the recording's end");

        Assert.Equal(0u, harness.Client.Read(() => channel.ExitStatus));
        Assert.Equal("ssh", plane.Starts.Single().Kind);
        Assert.Contains("recorded", plane.Cast, StringComparison.Ordinal);
        Assert.Contains("\"r\",\"100x30\"", plane.Cast, StringComparison.Ordinal);
        Assert.Contains("\"i\",\"\"", plane.Cast, StringComparison.Ordinal);
        Assert.DoesNotContain("\"i\",\"g", plane.Cast, StringComparison.Ordinal); // "go" is only in the terminal's echo
        Assert.Equal("coder from 10.1.2.3:40000", plane.Starts.Single().Who); // the harness's user and pretend address
    }

    private Func<SshSessionOptions, SshSessionOptions> Recorded(RecordingControlPlane plane, RecordingMode mode)
    {
        var recorder = new SessionRecorder(plane, () => (mode, DateTimeOffset.UnixEpoch), RecordingLimits.Default, Scheduler.Default, _logger, _ => { });
        return options => options with { PtyLauncher = new RecordingPtyLauncher(new PtyLauncher(NullLogger<PtyLauncher>.Instance, "/bin/sh"), recorder, Scheduler.Default) };
    }
}
