using System.ComponentModel;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Pty;
using Agent.Specs.Runtime.Os.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Os.Pty;

[Trait("Category", "Pty")]
[Collection(NonParallelCollection.Name)]
public sealed class PtyProcessLeakSpecs : IDisposable
{
    private readonly PtyHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task StartAndDispose_ManyTimes_LeaveNoDescriptorOrProcess()
    {
        await CycleAsync(0);
        var before = ProcessTable.OpenDescriptors();
        var pids = new List<int>();

        for (var i = 0; i < 24; i++)
            pids.Add(await CycleAsync(i));

        await Utilities.Eventually.WaitAsync(() => ProcessTable.OpenDescriptors() <= before, $"descriptors back to {before}", PtyHarness.Deadline);
        await Utilities.Eventually.WaitAsync(() => pids.All(pid => !ProcessTable.Exists(pid)), "every process reaped", PtyHarness.Deadline);
    }

    [Fact]
    public void Start_MissingShell_LeavesNoDescriptor()
    {
        var launcher = new PtyLauncher(NullLogger<PtyLauncher>.Instance, "/nonexistent/pty-spec-shell");
        var spec = new PtySpec("true", null, [], 80, 24);
        Assert.Throws<Win32Exception>(() => launcher.Start(spec));
        var before = ProcessTable.OpenDescriptors();

        for (var i = 0; i < 10; i++)
            Assert.Throws<Win32Exception>(() => launcher.Start(spec));

        Assert.Equal(before, ProcessTable.OpenDescriptors());
    }

    // Four shapes: finished and read, finished but never read, disposed while running with and without a reader.
    private async Task<int> CycleAsync(int i)
    {
        switch (i % 4)
        {
            case 0:
            {
                var (process, output) = _harness.StartRecorded("echo hi");
                await output.Completed.WaitAsync(PtyHarness.Deadline);
                await PtyHarness.ExitedAsync(process);
                process.Dispose();
                return process.ProcessId;
            }

            case 1:
            {
                var process = _harness.Start("echo hi");
                await PtyHarness.ExitedAsync(process);
                process.Dispose();
                return process.ProcessId;
            }

            case 2:
            {
                var (process, output) = _harness.StartRecorded("echo ready; sleep 100");
                await PtyHarness.WaitForAsync(output, "ready");
                process.Dispose();
                await PtyHarness.ExitedAsync(process);
                return process.ProcessId;
            }

            default:
            {
                var process = _harness.Start("sleep 100");
                process.Dispose();
                await PtyHarness.ExitedAsync(process);
                return process.ProcessId;
            }
        }
    }
}
