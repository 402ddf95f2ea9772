using System.ComponentModel;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;
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
        await using var harness = await SshServerHarness.LoggedInAsync(configureSessions: sessions => sessions with { ProcessLauncher = new UnwaitableLauncher() });

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

    private sealed class UnwaitableLauncher : IPipedProcessLauncher
    {
        public IPipedProcess Start(string command, IReadOnlyList<KeyValuePair<string, string>> environment, string? workingDirectory)
            => new Unwaitable();
    }

    private sealed class Unwaitable : IPipedProcess
    {
        public int ProcessId => 1;

        public Stream StandardInput { get; } = new MemoryStream();

        public Stream StandardOutput { get; } = new MemoryStream();

        public Stream StandardError { get; } = new MemoryStream();

        public Task<PtyExit> Exited { get; } = Task.FromException<PtyExit>(new Win32Exception(10, "waitpid(1) failed"));

        public bool Signal(int signal) => false;

        public void Dispose()
        {
            StandardInput.Dispose();
            StandardOutput.Dispose();
            StandardError.Dispose();
        }
    }
}
