using Agent.Reactive.Effects;
using Agent.Specs.Runtime.Os.Processes;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Os.Pty;

[Trait("Category", "Pty")]
public sealed class PtyProcessSpecs : IDisposable
{
    private readonly PtyHarness _harness = new();
    private readonly TempDirectory _directory = new();

    public void Dispose()
    {
        _harness.Dispose();
        _directory.Dispose();
    }

    [Fact]
    public async Task Resize_SttySize_ShowsInitialThenNewSize()
    {
        var (process, output) = _harness.StartRecorded("stty size; read -r line; stty size", columns: 80, rows: 24);
        await PtyHarness.WaitForAsync(output, "24 80");

        process.Resize(132, 50);
        await PtyHarness.TypeAsync(process, "\r");

        Assert.Equal(0, (await PtyHarness.ExitedAsync(process)).ExitCode);
        await output.Completed.WaitAsync(PtyHarness.Deadline);
        Assert.Contains("50 132", output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resize_ForegroundGroup_GetsSigwinch()
    {
        var (process, output) = _harness.StartRecorded("trap 'echo winch' WINCH; echo ready; while :; do sleep 0.05; done");
        await PtyHarness.WaitForAsync(output, "ready");

        process.Resize(100, 30);

        await PtyHarness.WaitForAsync(output, "winch");
    }

    [Fact]
    public async Task Input_CtrlZThenFgThenCtrlC_JobControlWorks()
    {
        var (shell, output) = _harness.StartRecorded(string.Empty);
        await PtyHarness.TypeAsync(shell, "sleep 100\r");
        var sleep = await PtyHarness.WaitForForegroundAsync(shell, "sleep");

        await PtyHarness.TypeAsync(shell, "\u001a");
        await PtyHarness.WaitForAsync(output, "Stopped");
        await Eventually.WaitAsync(() => ProcessTable.Read(sleep)?.State == 'T', "sleep stopped", PtyHarness.Deadline);

        await PtyHarness.TypeAsync(shell, "fg\r");
        await Eventually.WaitAsync(() => ProcessTable.Read(sleep) is { State: not 'T' } s && s.Group == s.TerminalGroup, "sleep in the foreground again", PtyHarness.Deadline);

        await PtyHarness.TypeAsync(shell, "\u0003");
        await Eventually.WaitAsync(() => !ProcessTable.Exists(sleep), "sleep interrupted and reaped", PtyHarness.Deadline);

        await PtyHarness.TypeAsync(shell, "echo back-$((20+22))\r");
        await PtyHarness.WaitForAsync(output, "back-42");
        await PtyHarness.TypeAsync(shell, "exit\r");
        Assert.Equal(0, (await PtyHarness.ExitedAsync(shell)).ExitCode);
    }

    [Fact]
    public async Task Input_CtrlCInForegroundChild_ReturnsToThePrompt()
    {
        var (shell, output) = _harness.StartRecorded(string.Empty);
        await PtyHarness.TypeAsync(shell, "bash -c 'trap - INT; sleep 100; echo not-interrupted'\r");
        var child = await PtyHarness.WaitForForegroundAsync(shell, "sleep");

        await PtyHarness.TypeAsync(shell, "\u0003");
        await Eventually.WaitAsync(() => !ProcessTable.Exists(child), "sleep interrupted", PtyHarness.Deadline);
        await PtyHarness.TypeAsync(shell, "echo status-$?\r");

        await PtyHarness.WaitForAsync(output, "status-130");
        Assert.False(shell.Exited.IsCompleted);
        Assert.DoesNotContain("not-interrupted\r", output.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Input_CtrlCToCommand_ExitsWith130()
    {
        var (process, _) = _harness.StartRecorded("bash -c \"sleep 100\"");
        await Eventually.WaitAsync(() => ProcessTable.Command(process.ProcessId) == "sleep", "sleep running", PtyHarness.Deadline);

        await PtyHarness.TypeAsync(process, "\u0003");

        var exit = await PtyHarness.ExitedAsync(process);
        Assert.Equal(new PtyExit(null, 2), exit);
        Assert.Equal(130, exit.Code);
    }

    [Fact]
    public async Task Signal_Kill_EndsWithTheSignal()
    {
        var process = _harness.Start("sleep 100");

        process.Signal(9);

        var exit = await PtyHarness.ExitedAsync(process);
        Assert.Equal(new PtyExit(null, 9), exit);
        Assert.Equal(137, exit.Code);
    }

    [Fact]
    public void Signal_OutOfRange_Throws()
    {
        var process = _harness.Start("sleep 100");

        Assert.Throws<ArgumentOutOfRangeException>(() => process.Signal(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => process.Signal(65));
    }

    [Fact]
    public async Task Output_LargeOutput_ArrivesCompleteAndInOrder()
    {
        var (process, output) = _harness.StartRecorded("seq 1 100000");

        await output.Completed.WaitAsync(PtyHarness.Deadline);

        var lines = output.Text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(100000, lines.Length);
        Assert.Equal("100000", lines[^1]);
        Assert.Equal(5000050000L, lines.Sum(long.Parse));
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i] != (i + 1).ToString())
                Assert.Fail($"line {i + 1} is '{lines[i]}'");
        }

        Assert.Equal(0, (await PtyHarness.ExitedAsync(process)).ExitCode);
    }

    [Fact]
    public async Task Output_SubscribedLate_ReadingStartsAtFirstSubscriptionThenHot()
    {
        var process = _harness.Start("echo early; read -r x; echo late");
        await Eventually.WaitAsync(() => ProcessTable.Read(process.ProcessId)?.State == 'S' && ProcessTable.Read(process.ProcessId)?.Session == process.ProcessId, "the shell waiting for input", PtyHarness.Deadline);

        var first = new PtyTranscript();
        using var firstSubscription = process.Output.Subscribe(first);
        await PtyHarness.WaitForAsync(first, "early");
        var second = new PtyTranscript();
        using var secondSubscription = process.Output.Subscribe(second);
        await PtyHarness.TypeAsync(process, "go\r");

        await first.Completed.WaitAsync(PtyHarness.Deadline);
        await second.Completed.WaitAsync(PtyHarness.Deadline);
        Assert.Contains("late", first.Text, StringComparison.Ordinal);
        Assert.Contains("late", second.Text, StringComparison.Ordinal);
        Assert.DoesNotContain("early", second.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Output_Chunks_AreOwnedCopies()
    {
        var process = _harness.Start("seq 1 20000");
        var chunks = new List<(ReadOnlyMemory<byte> Chunk, byte[] Snapshot)>();
        var completed = new TaskCompletionSource();
        using var subscription = process.Output.Subscribe(chunk => chunks.Add((chunk, chunk.ToArray())), () => completed.TrySetResult());

        await completed.Task.WaitAsync(PtyHarness.Deadline);

        Assert.True(chunks.Count > 1, $"only {chunks.Count} chunk(s)");
        Assert.All(chunks, c => Assert.True(c.Chunk.Span.SequenceEqual(c.Snapshot), "a chunk changed after it was delivered"));
    }

    [Fact]
    public async Task WriteAsync_FromManyThreads_EveryWriteArrivesWhole()
    {
        const int Threads = 8;
        const int Records = 50;
        const int RecordLength = 64;
        var file = _directory.Combine("input.bin");
        var (process, output) = _harness.StartRecorded($"stty raw -echo; echo ready; head -c {Threads * Records * RecordLength} > '{file}'; echo done", directory: _directory.Path);
        await PtyHarness.WaitForAsync(output, "ready");

        await Task.WhenAll(Enumerable.Range(0, Threads).Select(thread => Task.Run(async () =>
        {
            for (var i = 0; i < Records; i++)
                await PtyHarness.TypeAsync(process, Record(thread, i, RecordLength));
        })));

        Assert.Equal(0, (await PtyHarness.ExitedAsync(process)).ExitCode);
        var received = File.ReadAllText(file);
        var records = Enumerable.Range(0, received.Length / RecordLength).Select(i => received.Substring(i * RecordLength, RecordLength)).ToList();
        Assert.Equal(Threads * Records * RecordLength, received.Length);
        for (var thread = 0; thread < Threads; thread++)
        {
            var t = thread;
            Assert.Equal(Enumerable.Range(0, Records).Select(i => Record(t, i, RecordLength)), records.Where(r => r.StartsWith($"t{t}r", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public async Task Dispose_ProcessIgnoringSighup_IsKilledAndReaped()
    {
        var (process, output) = _harness.StartRecorded("trap '' HUP; echo ready; sleep 100; sleep 100");
        await PtyHarness.WaitForAsync(output, "ready");
        var sleep = await Eventually.WaitAsync(() => Task.FromResult(ChildOf(process.ProcessId)), pid => pid is not null, "sleep started", PtyHarness.Deadline);

        process.Dispose();

        await output.Completed.WaitAsync(PtyHarness.Deadline);
        var exit = await PtyHarness.ExitedAsync(process);
        Assert.Equal(9, exit.Signal);
        await Eventually.WaitAsync(() => !ProcessTable.Exists(process.ProcessId), "the shell reaped", PtyHarness.Deadline);
        await Eventually.WaitAsync(() => ProcFs.IsDead(sleep!.Value), "its child killed", PtyHarness.Deadline);
    }

    [Fact]
    public async Task Dispose_NeverSubscribed_HangsUpCompletesOutputAndIsIdempotent()
    {
        var process = _harness.Start("sleep 100");

        process.Dispose();
        process.Dispose();

        var late = new PtyTranscript();
        process.Output.Subscribe(late);
        await late.Completed.WaitAsync(PtyHarness.Deadline);
        Assert.Equal(new PtyExit(null, 1), await PtyHarness.ExitedAsync(process));
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await PtyHarness.TypeAsync(process, "x"));
        Assert.Throws<ObjectDisposedException>(() => process.Resize(10, 10));
    }

    private static string Record(int thread, int index, int length)
        => $"t{thread}r{index:D3}".PadRight(length - 1, '.') + "\n";

    private static int? ChildOf(int parent)
        => Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), out var pid) ? pid : 0)
            .Where(pid => pid > 0)
            .Select(pid => (Pid: pid, Stat: ProcessTable.Read(pid)))
            .Where(p => p.Stat?.Parent == parent)
            .Select(p => (int?)p.Pid)
            .FirstOrDefault();
}
