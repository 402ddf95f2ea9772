using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Os.Processes;

[Collection(NonParallelCollection.Name)]
public sealed class ShellProcessLauncherLeakSpecs
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly ShellProcessLauncher _launcher = new(NullLogger<ShellProcessLauncher>.Instance, "/bin/bash");

    [Fact]
    public async Task RunAndCapture_ManyTimes_LeaveNoPipeOpen()
    {
        await RunOnceAsync();
        var before = CountPipes();

        for (var i = 0; i < 20; i++)
        {
            await RunOnceAsync();
            await _launcher.CaptureAsync(new CommandSpec("echo x; echo y >&2", null, []), 1, CancellationToken.None).WaitAsync(Deadline);
        }

        Assert.InRange(CountPipes(), 0, before);
    }

    private static int CountPipes()
        => new DirectoryInfo("/proc/self/fd").GetFileSystemInfos()
            .Count(fd => fd.LinkTarget?.StartsWith("pipe:", StringComparison.Ordinal) == true);

    private Task<int> RunOnceAsync()
        => _launcher.RunAsync(new CommandSpec("echo x; echo y >&2", null, []), new LineRecorder(), CancellationToken.None).WaitAsync(Deadline);
}
