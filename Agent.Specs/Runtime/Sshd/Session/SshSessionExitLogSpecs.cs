using Agent.Reactive.Effects;
using Agent.Specs.Fakes.Ssh;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.Sshd.Session;

/// <summary>How a session's process ended is logged (6152) when the agent sees it, before the output is drained and the channel closed.</summary>
public sealed class SshSessionExitLogSpecs
{
    [Theory]
    [InlineData(7, null, "status 7")]
    [InlineData(null, 15, "signal TERM")]
    public async Task Exec_TheProcessExits_LogsHowItEndedWithTheChannel(int? code, int? signal, string how)
    {
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: sessions => sessions with
        {
            ProcessLauncher = new FakePipedProcessLauncher { Exited = Task.FromResult(new PtyExit(code, signal)) },
        });

        var channel = await harness.Client.ExecAsync("true");
        await harness.Client.WaitClosedAsync(channel);

        var exited = Assert.Single(harness.Logger.Entries, entry => entry.EventId.Id == 6152);
        Assert.Equal(LogLevel.Information, exited.Level);
        Assert.EndsWith($"exited with {how}", exited.Message, StringComparison.Ordinal);
    }
}
