using System.ComponentModel;
using Agent.Reactive.Effects;
using Agent.Specs.Fakes.Ssh;

namespace Agent.Specs.Runtime.Sshd.Session;

/// <summary>
/// A session whose process cannot be waited for (the reaper's <c>waitpid</c> failed) still ends its channel: before,
/// the exception left the runner unobserved and the client waited for an exit status and a close that never came.
/// </summary>
public sealed class SshSessionWaitFailureSpecs
{
    [Fact]
    public async Task Exec_TheProcessCannotBeWaitedFor_ClosesTheChannelWithoutAnExitStatusAndLogsWhy()
    {
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: sessions => sessions with
        {
            ProcessLauncher = new FakePipedProcessLauncher { Exited = Task.FromException<PtyExit>(new Win32Exception(10, "waitpid(1) failed")) },
        });

        var channel = await harness.Client.ExecAsync("true");
        await harness.Client.WaitClosedAsync(channel);

        harness.Client.Read(() =>
        {
            Assert.Null(channel.ExitStatus);
            Assert.Contains("close", channel.Events);
            return 0;
        });
        Assert.Contains(harness.Logger.Warnings, message => message.Contains("could not be waited for", StringComparison.Ordinal));
    }
}
