using System.Diagnostics;
using System.Text;
using Agent.Reactive.Protocol;
using Agent.Runtime.Sshd.Session;
using Agent.Specs.Fakes.Ssh;

namespace Agent.Specs.Runtime.Sshd.Session;

public class SshSessionSpecs
{
    [Fact]
    public async Task Exec_Echo_SendsOutputThenExitStatusEofAndClose()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("echo hello");
        await harness.Client.WaitClosedAsync(channel);
        harness.Client.Read(() =>
        {
            Assert.Equal("hello\n", channel.StdoutText);
            Assert.Equal(0u, channel.ExitStatus);
            Assert.Equal(["exit-status", "eof", "close"], channel.Events.Where(e => e != "data"));
            Assert.Equal("data", channel.Events[0]);
            return 0;
        });
        Assert.Empty(harness.Client.Violations);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(42)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(255)]
    public async Task Exec_ExitCode_IsReportedAsExitStatus(int code)
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync($"exit {code}");
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal((uint)code, harness.Client.Read(() => channel.ExitStatus));
    }

    [Fact]
    public async Task Exec_Stderr_ArrivesAsExtendedData()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("echo out; echo err >&2");
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal("out\n", harness.Client.Read(() => channel.StdoutText));
        Assert.Equal("err\n", harness.Client.Read(() => channel.StderrText));
    }

    [Fact]
    public async Task Exec_Cat_EchoesStdinAndEndsAtEof()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("cat");
        await harness.Client.SendDataAsync(channel, Encoding.UTF8.GetBytes("line one\nline two\n"));
        await harness.Client.WaitAsync(() => channel.StdoutText == "line one\nline two\n", "cat's echo");
        Assert.False(harness.Client.Read(() => channel.Closed));
        harness.Client.SendEof(channel);
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal(0u, harness.Client.Read(() => channel.ExitStatus));
    }

    [Fact]
    public async Task Exec_BackgroundChildHoldingStdout_DoesNotHoldTheSession()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var watch = Stopwatch.StartNew();
        var channel = await harness.Client.ExecAsync("sleep 10 & echo hi");
        await harness.Client.WaitClosedAsync(channel);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), $"took {watch.Elapsed}");
        Assert.Equal("hi\n", harness.Client.Read(() => channel.StdoutText));
        Assert.Equal(0u, harness.Client.Read(() => channel.ExitStatus));
    }

    [Fact]
    public async Task Signal_TermToSleep_EndsWithExitSignalTerm()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("echo started; exec sleep 100");
        await harness.Client.WaitAsync(() => channel.StdoutText == "started\n", "the command to start");
        harness.Client.RequestNoReply(channel, "signal", w => w.WriteString("TERM"));
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal("TERM", harness.Client.Read(() => channel.ExitSignal));
        Assert.Null(harness.Client.Read(() => channel.ExitStatus));
    }

    [Fact]
    public async Task Signal_UnknownName_IsDeclined()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("exec sleep 100");
        Assert.False(await harness.Client.RequestAsync(channel, "signal", w => w.WriteString("NOPE")));
        Assert.True(await harness.Client.RequestAsync(channel, "signal", w => w.WriteString("KILL")));
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal("KILL", harness.Client.Read(() => channel.ExitSignal));
    }

    [Fact]
    public async Task SessionType_Vscode_IsCountedAndStrippedFromTheChildEnvironment()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("echo ${CODER_SSH_SESSION_TYPE:-unset}; cat", ("CODER_SSH_SESSION_TYPE", "vscode"));
        await harness.Client.WaitAsync(() => channel.StdoutText == "unset\n", "the command's output");
        var during = harness.Counters.TakeWindow();
        Assert.Equal(1, during.SessionCountVsCode);
        Assert.Equal(0, during.SessionCountSsh);
        harness.Client.SendEof(channel);
        await harness.Client.WaitClosedAsync(channel);
        await harness.Client.WaitAsync(() => harness.Counters.TakeWindow().SessionCountVsCode == 0, "the session to stop counting");
    }

    [Fact]
    public async Task Exec_Environment_HasSessionVariablesClientVariablesAndRealAddresses()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        harness.Manifest = new Manifest { EnvironmentVariables = new Dictionary<string, string> { ["FROM_MANIFEST"] = "m" } };
        var channel = await harness.Client.ExecAsync("echo \"$CODER|$SSH_CLIENT|$SSH_CONNECTION|$FROM_CLIENT|$FROM_MANIFEST|$CODER_AGENT_TOKEN\"", ("FROM_CLIENT", "c"));
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal("true|10.1.2.3 40000 2222|10.1.2.3 40000 10.9.8.7 2222|c|m|agent-token\n", harness.Client.Read(() => channel.StdoutText));
    }

    [Fact]
    public async Task Exec_WorkingDirectory_IsTheManifestDirectoryWhenItExists()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var project = Directory.CreateDirectory(harness.Home.Combine("project")).FullName;
        harness.Manifest = new Manifest { Directory = project };
        var first = await harness.Client.ExecAsync("pwd");
        await harness.Client.WaitClosedAsync(first);
        harness.Manifest = new Manifest { Directory = harness.Home.Combine("missing") };
        var second = await harness.Client.ExecAsync("pwd");
        await harness.Client.WaitClosedAsync(second);
        Assert.Equal(project + "\n", harness.Client.Read(() => first.StdoutText));
        Assert.Equal(harness.Home.Path + "\n", harness.Client.Read(() => second.StdoutText));
    }

    [Fact]
    public async Task ClientClosingTheChannel_KillsTheProcessGroup()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("sleep 100 & echo $!; wait");
        await harness.Client.WaitAsync(() => channel.StdoutText.EndsWith('\n'), "the background pid");
        var pid = int.Parse(harness.Client.Read(() => channel.StdoutText).Trim());
        Assert.True(Directory.Exists($"/proc/{pid}"));
        harness.Client.SendClose(channel);
        await harness.Client.WaitAsync(() => !IsAlive(pid), "the process group to be killed");
    }

    [Fact]
    public async Task ClientDisconnecting_KillsTheProcessGroup()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("echo $$; exec sleep 100");
        await harness.Client.WaitAsync(() => channel.StdoutText.EndsWith('\n'), "the pid");
        var pid = int.Parse(harness.Client.Read(() => channel.StdoutText).Trim());
        harness.Transport.ClientClose();
        await harness.Server.WaitAsync(SshTestClient.Deadline);
        await harness.Client.WaitAsync(() => !IsAlive(pid), "the process to be killed");
    }

    [Fact]
    public async Task Shell_WithPty_StartsALoginShellWithTermMotdAndResizes()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var motd = harness.Home.Combine("motd");
        await File.WriteAllTextAsync(motd, "Welcome\nto the workspace\n");
        harness.Manifest = new Manifest { MotdFile = motd };
        var channel = await harness.Client.OpenAsync();
        Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm-256color").WriteUInt32(120).WriteUInt32(40).WriteUInt32(0).WriteUInt32(0).WriteBinary([0])));
        Assert.True(await harness.Client.RequestAsync(channel, "shell"));
        var pty = Assert.Single(harness.Pty.Started);
        Assert.Equal(string.Empty, pty.Spec.Command);
        Assert.Equal((120, 40), (pty.Spec.Columns, pty.Spec.Rows));
        Assert.Equal("xterm-256color", pty.Spec.Environment.Last(p => p.Key == "TERM").Value);

        await harness.Client.WaitAsync(() => channel.StdoutText == "Welcome\r\nto the workspace\r\n", "the MOTD");
        pty.Emit("$ ");
        await harness.Client.WaitAsync(() => channel.StdoutText.EndsWith("$ ", StringComparison.Ordinal), "the prompt");
        await harness.Client.SendDataAsync(channel, Encoding.UTF8.GetBytes("tty\r"));
        await harness.Client.WaitAsync(() => pty.Input == "tty\r", "the input to reach the terminal");
        harness.Client.RequestNoReply(channel, "window-change", w => w.WriteUInt32(100).WriteUInt32(30).WriteUInt32(0).WriteUInt32(0));
        await harness.Client.WaitAsync(() => pty.Sizes.Contains(((ushort)100, (ushort)30)), "the resize");
        pty.Emit("bye\r\n");
        pty.Exit(3);
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal(3u, harness.Client.Read(() => channel.ExitStatus));
        Assert.EndsWith("bye\r\n", harness.Client.Read(() => channel.StdoutText), StringComparison.Ordinal);
        Assert.True(pty.Disposed);
    }

    [Fact]
    public async Task Shell_WithPtyAndHushlogin_ShowsNoMotd()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var motd = harness.Home.Combine("motd");
        await File.WriteAllTextAsync(motd, "Welcome\n");
        await File.WriteAllTextAsync(harness.Home.Combine(".hushlogin"), string.Empty);
        harness.Manifest = new Manifest { MotdFile = motd };
        var channel = await harness.Client.OpenAsync();
        Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("vt100").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0).WriteBinary([0])));
        Assert.True(await harness.Client.RequestAsync(channel, "shell"));
        var pty = Assert.Single(harness.Pty.Started);
        pty.Emit("$ ");
        await harness.Client.WaitAsync(() => channel.StdoutText.Length > 0, "output");
        Assert.Equal("$ ", harness.Client.Read(() => channel.StdoutText));
    }

    [Fact]
    public async Task Exec_WithPty_RunsTheCommandAndForwardsSignalsAndExitSignal()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.OpenAsync();
        Assert.True(await harness.Client.RequestAsync(channel, "pty-req", w => w.WriteString("xterm").WriteUInt32(80).WriteUInt32(24).WriteUInt32(0).WriteUInt32(0).WriteBinary([0])));
        Assert.True(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString("top")));
        var pty = Assert.Single(harness.Pty.Started);
        Assert.Equal("top", pty.Spec.Command);
        Assert.True(await harness.Client.RequestAsync(channel, "signal", w => w.WriteString("INT")));
        Assert.True(await harness.Client.RequestAsync(channel, "break", w => w.WriteUInt32(500)));
        Assert.Equal([2, 2], pty.Signals);
        pty.Exit(new Agent.Reactive.Effects.PtyExit(null, 9));
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal("KILL", harness.Client.Read(() => channel.ExitSignal));
    }

    [Fact]
    public async Task Subsystem_Registered_GetsTheChannelStreamsAndItsResultIsTheExitStatus()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: options => WithSubsystem(options, "echo", async (input, output, ct) =>
        {
            var buffer = new byte[5];
            await input.ReadExactlyAsync(buffer, ct);
            await output.WriteAsync(buffer.Reverse().ToArray(), ct);
            return 7;
        }));
        var channel = await harness.Client.OpenAsync();
        Assert.False(await harness.Client.RequestAsync(channel, "subsystem", w => w.WriteString("nope")));
        Assert.True(await harness.Client.RequestAsync(channel, "subsystem", w => w.WriteString("echo")));
        await harness.Client.SendDataAsync(channel, Encoding.UTF8.GetBytes("hello"));
        await harness.Client.WaitClosedAsync(channel);
        Assert.Equal("olleh", harness.Client.Read(() => channel.StdoutText));
        Assert.Equal(7u, harness.Client.Read(() => channel.ExitStatus));
    }

    [Fact]
    public async Task SecondExec_OnTheSameSession_IsDeclined()
    {
        await using var harness = await SshServerHarness.LoggedInAsync();
        var channel = await harness.Client.ExecAsync("exec sleep 100");
        Assert.False(await harness.Client.RequestAsync(channel, "exec", w => w.WriteString("true")));
        Assert.False(await harness.Client.RequestAsync(channel, "env", w => w.WriteString("LATE").WriteString("1")));
        harness.Client.SendClose(channel);
        await harness.Client.WaitClosedAsync(channel);
    }

    private static SshSessionOptions WithSubsystem(SshSessionOptions options, string name, Func<Stream, Stream, CancellationToken, Task<int>> handler)
        => options with
        {
            Subsystems = new Dictionary<string, SshSubsystemHandler> { [name] = (_, input, output, ct) => handler(input, output, ct) },
        };

    private static bool IsAlive(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..][0] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
