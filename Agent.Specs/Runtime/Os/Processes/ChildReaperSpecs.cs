using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Os.Pty;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Os.Processes;

/// <summary>Every child goes through <see cref="SpawnBuilder"/> and is reaped by <see cref="ChildReaper"/>, without a thread per child.</summary>
[Collection(NonParallelCollection.Name)]
public sealed class ChildReaperSpecs
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Start_ChildExitsWithACode_WaitStatusCarriesTheCode()
    {
        var child = new SpawnBuilder("/bin/sh", ["sh", "-c", "exit 7"], []).Start();

        var exit = WaitStatus.ToExit(await child.WaitStatus.WaitAsync(Deadline));

        Assert.Equal(new PtyExit(7, null), exit);
    }

    [Fact]
    public async Task Start_ChildKilledBySignal_WaitStatusCarriesTheSignal()
    {
        var child = new SpawnBuilder("/bin/sh", ["sh", "-c", "kill -TERM $$; sleep 5"], []).Start();

        var exit = WaitStatus.ToExit(await child.WaitStatus.WaitAsync(Deadline));

        Assert.Equal(new PtyExit(null, 15), exit);
    }

    [Fact]
    public async Task Start_ChildThatExitsWhileNobodyWaits_IsReapedAndLeavesNoZombie()
    {
        var child = new SpawnBuilder("/bin/true", ["true"], []).Start();

        // Nobody awaits the status: the reaper collects the child on its own.
        await Eventually.WaitAsync(() => ProcFs.State(child.Id) is null, $"process {child.Id} reaped (no zombie)", Deadline);
        Assert.True(child.WaitStatus.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task Start_SearchPathAndDirectory_FindsTheProgramAndRunsThere()
    {
        var directory = Directory.CreateTempSubdirectory("reaper-spec-");
        try
        {
            var child = new SpawnBuilder("sh", ["sh", "-c", "test \"$(pwd)\" = \"$1\"", "sh", directory.FullName], ["PATH=/usr/bin:/bin"])
                .SearchPath()
                .InDirectory(directory.FullName)
                .Start();

            Assert.Equal(new PtyExit(0, null), WaitStatus.ToExit(await child.WaitStatus.WaitAsync(Deadline)));
        }
        finally
        {
            directory.Delete();
        }
    }

    [Fact]
    public async Task ManyConcurrentScripts_WhileTheyRun_CostNoThreadEachAndAllAreReapedWithTheirCodes()
    {
        var launcher = new ShellProcessLauncher(NullLogger<ShellProcessLauncher>.Instance, "/bin/sh");
        await launcher.CaptureAsync(new CommandSpec("exit 0", null, []), 0, CancellationToken.None).WaitAsync(Deadline);
        var before = OsThreads();

        // Each run is started (spawned, its output pump set up) before CaptureAsync returns its task.
        var runs = Enumerable.Range(0, Children)
            .Select(i => launcher.CaptureAsync(new CommandSpec($"sleep 1; echo {i}; exit {i % 100}", null, []), 64, CancellationToken.None))
            .ToList();
        var during = OsThreads();
        var results = await Task.WhenAll(runs).WaitAsync(Deadline);

        Assert.InRange(during - before, int.MinValue, ThreadAllowance);
        for (var i = 0; i < Children; i++)
            Assert.Equal((i % 100, $"{i}\n"), (results[i].ExitCode, System.Text.Encoding.UTF8.GetString(results[i].Output.Span)));
    }

    [Fact]
    public async Task ManyConcurrentTerminals_WhileTheyRun_CostNoThreadEach()
    {
        var launcher = new PtyLauncher(NullLogger<PtyLauncher>.Instance, "/bin/sh");
        var before = OsThreads();
        var terminals = Enumerable.Range(0, Terminals).Select(_ => launcher.Start(new PtySpec("sleep 1; echo done", null, [], 80, 24))).ToList();
        try
        {
            var outputs = terminals.Select(t => t.Output.Aggregate(string.Empty, (text, chunk) => text + System.Text.Encoding.UTF8.GetString(chunk.Span)).ToTask()).ToList();
            var during = OsThreads();
            var texts = await Task.WhenAll(outputs).WaitAsync(Deadline);
            var exits = await Task.WhenAll(terminals.Select(t => t.Exited)).WaitAsync(Deadline);

            Assert.InRange(during - before, int.MinValue, ThreadAllowance);
            Assert.All(texts, text => Assert.Contains("done", text, StringComparison.Ordinal));
            Assert.All(exits, exit => Assert.Equal(new PtyExit(0, null), exit));
        }
        finally
        {
            foreach (var terminal in terminals)
                terminal.Dispose();
        }
    }

    // 64 children used to cost 128 threads (a waitpid thread and a pipe or terminal reader each); the runtime may still
    // add a few pool threads for the continuations.
    private const int Children = 64;
    private const int Terminals = 32;
    private const int ThreadAllowance = 16;

    private static int OsThreads() => Directory.GetDirectories("/proc/self/task").Length;
}
