using System.Diagnostics;
using Agent.Runtime.Os.Interop;
using Agent.Specs.Runtime.Os.Processes;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Os.Pty;

/// <summary>Input to a terminal whose queue is full waits for <c>POLLOUT</c> on the readiness poller, not on a timer.</summary>
[Trait("Category", "Pty")]
[Collection(NonParallelCollection.Name)]
public sealed class PtyWriteSpecs : IDisposable
{
    private const int Size = 1024 * 1024;

    private readonly PtyHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    [Fact]
    public async Task WriteAsync_TerminalInputFull_WaitsForRoomOnThePollerAndResumesWhenTheProcessReads()
    {
        var gate = _harness.Home.Combine("gate");
        var received = _harness.Home.Combine("received");
        using (var mkfifo = Process.Start("mkfifo", gate))
            await mkfifo.WaitForExitAsync().WaitAsync(PtyHarness.Deadline);
        var (process, output) = _harness.StartRecorded($"stty raw -echo; echo ready; read line < {gate}; exec head -c {Size} > {received}");
        await PtyHarness.WaitForAsync(output, "ready");
        var before = ReadinessPoller.Shared.Waiting;

        var write = process.WriteAsync(Enumerable.Repeat((byte)'a', Size).ToArray(), CancellationToken.None).AsTask();

        // The process reads nothing yet: the terminal's input queue fills and the write waits on the poller.
        await Eventually.WaitAsync(() => ReadinessPoller.Shared.Waiting > before, "the write to wait for POLLOUT", PtyHarness.Deadline);
        Assert.False(write.IsCompleted, "1 MiB cannot fit in the terminal's input queue");

        await File.WriteAllTextAsync(gate, "go\n");
        await write.WaitAsync(PtyHarness.Deadline);
        await Eventually.WaitAsync(() => new FileInfo(received).Length == Size, "every byte to reach the process", PtyHarness.Deadline);
        Assert.Equal(0, (await PtyHarness.ExitedAsync(process)).ExitCode);
    }
}
