using System.Text;
using Agent.Runtime.Pty;
using Agent.Runtime.Ssh.Connection;
using Agent.Specs.Fakes.Ssh;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Ssh.Session;

public class SshSessionRealPtySpecs
{
    [Fact]
    public async Task ExecWithPty_TtyThenSttySizeAfterWindowChange_ReportsTheTerminalAndItsNewSize()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(options => new SshConnectionOptions
        {
            AuthenticationMode = options.AuthenticationMode,
            PtyLauncher = new PtyLauncher(NullLogger<PtyLauncher>.Instance, "/bin/sh"),
            ProcessLauncher = options.ProcessLauncher,
            EnvironmentSource = options.EnvironmentSource,
            LoggerFactory = options.LoggerFactory,
        });
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
}
