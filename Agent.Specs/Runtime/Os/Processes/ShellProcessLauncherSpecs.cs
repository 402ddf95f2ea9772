using System.ComponentModel;
using System.Diagnostics;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Os.Processes;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ShellProcessLauncherSpecs : IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private const ulong GlibcInternalSignals = (1UL << 31) | (1UL << 32);

    private readonly ShellProcessLauncher _launcher = new(NullLogger<ShellProcessLauncher>.Instance, "/bin/bash");
    private readonly string _directory = Directory.CreateTempSubdirectory("launcher-specs-").FullName;
    private readonly List<int> _leftovers = [];

    public void Dispose()
    {
        foreach (var pid in _leftovers)
        {
            try
            {
                Process.GetProcessById(pid).Kill();
            }
            catch (ArgumentException)
            {
                // already gone
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }

        Directory.Delete(_directory, recursive: true);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(42)]
    public async Task Run_ExitStatus_IsReturned(int code)
    {
        var (exit, _) = await RunAsync($"exit {code}");

        Assert.Equal(code, exit);
    }

    [Fact]
    public async Task Run_KilledBySignal_Returns128PlusSignal()
    {
        var (exit, _) = await RunAsync("kill -9 $$");

        Assert.Equal(137, exit);
    }

    [Fact]
    public async Task Run_StdoutAndStderr_OneStreamInOrder()
    {
        var (_, lines) = await RunAsync("echo one; echo two >&2; echo three; echo four >&2");

        Assert.Equal(["one", "two", "three", "four"], lines);
    }

    [Fact]
    public async Task Run_CrLfAndMissingFinalNewline_LinesWithoutTerminators()
    {
        var (_, lines) = await RunAsync(@"printf 'a\r\nb\r\n\nlast'");

        Assert.Equal(["a", "b", string.Empty, "last"], lines);
    }

    [Fact]
    public async Task Run_LineLongerThanMaximum_SplitIntoMaximumPieces()
    {
        var (_, lines) = await RunAsync("head -c 204800 /dev/zero | tr '\\0' a; echo; echo next");

        Assert.Equal([65536, 65536, 65536, 8192, 4], lines.Select(line => line.Length));
        Assert.All(lines.Take(4), line => Assert.Equal(line.Length, line.Count(c => c == 'a')));
    }

    [Fact]
    public async Task Run_InvalidUtf8_DecodedLeniently()
    {
        var (_, lines) = await RunAsync(@"printf 'caf\xc3\xa9 \xff!\n'");

        Assert.Equal(["café \uFFFD!"], lines);
    }

    [Fact]
    public async Task Run_OutputFile_GetsEverythingWithMode0600AndIsTruncatedOnRerun()
    {
        var path = Path.Combine(_directory, "script.log");
        File.WriteAllText(path, "stale content that is much longer than the new output\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        await RunAsync("echo first run; echo err >&2", outputFile: path);
        Assert.Equal("first run\nerr\n", File.ReadAllText(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));

        await RunAsync("printf short", outputFile: path);
        Assert.Equal("short", File.ReadAllText(path));
    }

    [Fact]
    public async Task Run_NewOutputFile_CreatedWithMode0600()
    {
        var path = Path.Combine(_directory, "new.log");

        await RunAsync("echo hi", outputFile: path);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.Equal("hi\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Run_WorkingDirectory_IsUsed()
    {
        var (_, lines) = await RunAsync("pwd -P", workingDirectory: _directory);

        Assert.Equal([new DirectoryInfo(_directory).ResolveLinkTarget(true)?.FullName ?? _directory], lines);
    }

    [Fact]
    public async Task Run_MissingWorkingDirectory_FallsBackToHome()
    {
        var (exit, lines) = await RunAsync("pwd", workingDirectory: Path.Combine(_directory, "missing"));

        Assert.Equal(0, exit);
        Assert.Equal([Environment.GetEnvironmentVariable("HOME")!], lines);
    }

    [Fact]
    public async Task Run_Environment_AgentEnvironmentThenSpecLaterWins()
    {
        var environment = new[] { Pair("SPEC_VALUE", "first"), Pair("SPEC_VALUE", "second"), Pair("HOME", "/overridden") };

        var (_, lines) = await RunAsync("echo $SPEC_VALUE; echo $HOME; echo \"$PATH\"", environment: environment);

        Assert.Equal(["second", "/overridden", Environment.GetEnvironmentVariable("PATH")!], lines);
    }

    [Fact]
    public async Task Run_Child_HasOwnProcessGroupDefaultSignalsAndNullStdin()
    {
        var (_, lines) = await RunAsync(
            "read -r pgid_line < /proc/$$/stat; set -- ${pgid_line##*) }; echo \"$3 $$\"; grep -E '^Sig(Ign|Blk)' /proc/self/status; cat; echo stdin-done");

        var groupAndPid = lines[0].Split(' ');
        Assert.Equal(groupAndPid[1], groupAndPid[0]);
        Assert.Equal("SigBlk:\t0000000000000000", lines[1]);

        // glibc keeps its two internal signals (32, 33) out of every sigset, so posix_spawn cannot reset them;
        // every other signal, SIGPIPE above all (.NET ignores it), must be back to its default.
        var ignored = Convert.ToUInt64(lines[2]["SigIgn:\t".Length..], 16);
        Assert.Equal(0UL, ignored & ~GlibcInternalSignals);
        Assert.Equal("stdin-done", lines[3]);
    }

    [Fact]
    public async Task Run_BackgroundJobKeepsOutputOpen_ReturnsAfterGraceAndFileKeepsFilling()
    {
        var path = Path.Combine(_directory, "background.log");
        var watch = Stopwatch.StartNew();

        // "late" comes well after the 1 s grace, so a loaded machine cannot let it in before the call returns.
        var (exit, lines) = await RunAsync("sleep 30 & echo $!; (sleep 6; echo late) & echo early", outputFile: path);

        watch.Stop();
        _leftovers.Add(int.Parse(lines[0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(0, exit);
        Assert.Equal("early", lines[1]);
        Assert.DoesNotContain("late", lines);
        Assert.InRange(watch.Elapsed, ShellProcessLauncher.OutputGracePeriod * 0.9, TimeSpan.FromSeconds(10));
        Assert.True(SpinWait.SpinUntil(() => File.ReadAllText(path).EndsWith("early\nlate\n", StringComparison.Ordinal), Deadline));
    }

    [Fact]
    public async Task Run_Cancelled_KillsWholeGroupReapsShellAndThrows()
    {
        using var cancellation = new CancellationTokenSource();
        var recorder = new LineRecorder(lines => lines.Count == 2);
        var run = _launcher.RunAsync(Spec("echo $$; sleep 1000 & echo $!; wait"), recorder, cancellation.Token);
        await recorder.Reached.WaitAsync(Deadline);
        var shell = int.Parse(recorder.Lines[0], System.Globalization.CultureInfo.InvariantCulture);
        var child = int.Parse(recorder.Lines[1], System.Globalization.CultureInfo.InvariantCulture);
        _leftovers.Add(child);

        var watch = Stopwatch.StartNew();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Deadline));
        Assert.True(watch.Elapsed < ShellProcessLauncher.KillGracePeriod, $"took {watch.Elapsed}: SIGTERM should have been enough");
        Assert.Null(ProcFs.State(shell));
        Assert.True(ProcFs.WaitUntilDead(child, Deadline));
    }

    [Fact]
    public async Task Run_CancelledWhileSigtermIgnored_KilledAfterGracePeriod()
    {
        using var cancellation = new CancellationTokenSource();
        var recorder = new LineRecorder(lines => lines.Count == 1);
        var run = _launcher.RunAsync(Spec("trap '' TERM; echo $$; while :; do sleep 0.05; done"), recorder, cancellation.Token);
        await recorder.Reached.WaitAsync(Deadline);
        var shell = int.Parse(recorder.Lines[0], System.Globalization.CultureInfo.InvariantCulture);

        var watch = Stopwatch.StartNew();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Deadline));
        Assert.True(watch.Elapsed >= ShellProcessLauncher.KillGracePeriod * 0.9, $"took {watch.Elapsed}");
        Assert.Null(ProcFs.State(shell));
    }

    [Fact]
    public async Task Run_CancelledChildIgnoresSigterm_ShellReapedThenChildKilledAfterGrace()
    {
        using var cancellation = new CancellationTokenSource();
        var recorder = new LineRecorder(lines => lines.Count == 1);
        var run = _launcher.RunAsync(Spec("sh -c 'trap \"\" TERM; echo $$; exec sleep 1000' & wait"), recorder, cancellation.Token);
        await recorder.Reached.WaitAsync(Deadline);
        var child = int.Parse(recorder.Lines[0], System.Globalization.CultureInfo.InvariantCulture);
        _leftovers.Add(child);

        var watch = Stopwatch.StartNew();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(Deadline));
        Assert.True(watch.Elapsed < ShellProcessLauncher.KillGracePeriod, $"took {watch.Elapsed}: only the shell is awaited");
        Assert.False(ProcFs.IsDead(child), "the child ignores SIGTERM, so it lives until SIGKILL");
        Assert.True(ProcFs.WaitUntilDead(child, Deadline));
        Assert.True(watch.Elapsed >= ShellProcessLauncher.KillGracePeriod * 0.9, $"died after {watch.Elapsed}");
    }

    [Fact]
    public async Task Run_AlreadyCancelled_ThrowsWithoutStarting()
    {
        var marker = Path.Combine(_directory, "started");

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => _launcher.RunAsync(Spec($"touch {marker}"), new LineRecorder(), new CancellationToken(canceled: true)));

        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Run_Finished_LeavesNoZombieAndDoesNotCompleteObserver()
    {
        var recorder = new LineRecorder();

        await _launcher.RunAsync(Spec("echo $$"), recorder, CancellationToken.None).WaitAsync(Deadline);

        Assert.Null(ProcFs.State(int.Parse(recorder.Lines[0], System.Globalization.CultureInfo.InvariantCulture)));
        Assert.False(recorder.Completed);
    }

    [Fact]
    public async Task Run_BlockedObserver_ReaderKeepsDrainingAndDropsBeyondBound()
    {
        var path = Path.Combine(_directory, "flood.log");
        using var release = new ManualResetEventSlim();
        var received = new List<string>();
        var observer = System.Reactive.Observer.Create<string>(line =>
        {
            release.Wait();
            lock (received)
                received.Add(line);
        });

        var run = _launcher.RunAsync(Spec("seq 1 20000", outputFile: path), observer, CancellationToken.None);
        var drained = SpinWait.SpinUntil(() => File.Exists(path) && File.ReadAllText(path).EndsWith("\n20000\n", StringComparison.Ordinal), Deadline);
        release.Set();
        await run.WaitAsync(Deadline);

        Assert.True(drained, "the pipe was not drained while the observer was blocked");
        var notices = received.Select(line => System.Text.RegularExpressions.Regex.Match(line, @"^\[agent\] (\d+) output line\(s\) dropped")).Where(match => match.Success).ToList();
        var numbers = received.Where(line => !line.StartsWith("[agent]", StringComparison.Ordinal)).Select(int.Parse).ToList();
        Assert.NotEmpty(notices);
        Assert.InRange(numbers.Count, 1, 20000 - 1);
        Assert.Equal(numbers.Order(), numbers);
        Assert.Equal(20000, numbers.Count + notices.Sum(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public async Task Run_ThrowingObserver_ScriptStillCompletes()
    {
        var observer = System.Reactive.Observer.Create<string>(_ => throw new InvalidOperationException("boom"));

        var exit = await _launcher.RunAsync(Spec("seq 1 1000; exit 7"), observer, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(7, exit);
    }

    [Fact]
    public async Task Run_MissingShell_StartFailureThrows()
    {
        var launcher = new ShellProcessLauncher(NullLogger<ShellProcessLauncher>.Instance, "/nonexistent/shell");

        await Assert.ThrowsAsync<Win32Exception>(() => launcher.RunAsync(Spec("true"), new LineRecorder(), CancellationToken.None));
    }

    [Fact]
    public async Task Capture_OutputBeyondLimit_KeptPrefixAndTotalCount()
    {
        var result = await _launcher.CaptureAsync(Spec("printf 'hello '; head -c 10000 /dev/zero | tr '\\0' x; exit 3"), 100, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal(10006, result.TotalOutputBytes);
        Assert.Equal("hello " + new string('x', 94), System.Text.Encoding.UTF8.GetString(result.Output.Span));
    }

    [Fact]
    public async Task Capture_StdoutAndStderr_KeptTogether()
    {
        var result = await _launcher.CaptureAsync(Spec("echo out; echo err >&2"), 1024, CancellationToken.None).WaitAsync(Deadline);

        Assert.Equal("out\nerr\n", System.Text.Encoding.UTF8.GetString(result.Output.Span));
        Assert.Equal(8, result.TotalOutputBytes);
    }

    [Fact]
    public async Task Capture_Cancelled_KillsAndThrows()
    {
        using var cancellation = new CancellationTokenSource();
        var pidFile = Path.Combine(_directory, "pid");
        var capture = _launcher.CaptureAsync(Spec($"echo $$ > {pidFile}; sleep 1000"), 1024, cancellation.Token);
        Assert.True(SpinWait.SpinUntil(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), Deadline));

        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => capture.WaitAsync(Deadline));
        Assert.Null(ProcFs.State(int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture)));
    }

    [Fact]
    public void Constructor_Default_UsesLoginShellFromPasswd()
    {
        var entry = File.ReadAllLines("/etc/passwd").Select(line => line.Split(':')).First(fields => fields[0] == Environment.UserName);

        Assert.Equal(entry[6], new ShellProcessLauncher(NullLogger<ShellProcessLauncher>.Instance).Shell);
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);

    private static CommandSpec Spec(string script, string? workingDirectory = null, IReadOnlyList<KeyValuePair<string, string>>? environment = null, string? outputFile = null)
        => new(script, workingDirectory, environment ?? [], outputFile);

    private async Task<(int Exit, IReadOnlyList<string> Lines)> RunAsync(
        string script,
        string? workingDirectory = null,
        IReadOnlyList<KeyValuePair<string, string>>? environment = null,
        string? outputFile = null)
    {
        var recorder = new LineRecorder();
        var exit = await _launcher.RunAsync(Spec(script, workingDirectory, environment, outputFile), recorder, CancellationToken.None).WaitAsync(Deadline);
        return (exit, recorder.Lines);
    }
}
