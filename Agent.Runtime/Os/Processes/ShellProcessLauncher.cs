using Agent.Reactive.Effects;
using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Os.Processes;

/// <summary>
/// Runs scripts as <c>&lt;login shell&gt; -c &lt;script&gt;</c> (the shell of the current user in the passwd
/// database, else <c>$SHELL</c>, else <c>/bin/sh</c>) in their own process group, with the agent's environment
/// overlaid by <see cref="CommandSpec.Environment"/>, in <see cref="CommandSpec.WorkingDirectory"/> when it
/// exists, else the home directory. stdout and stderr share one pipe, so their lines keep their order.
/// </summary>
/// <remarks>
/// When the shell exits, output is read until end of file but at most <see cref="OutputGracePeriod"/> longer:
/// a background job that keeps the pipe open does not hold the caller, and its later output still goes to the
/// output file. Cancelling sends SIGTERM to the process group and SIGKILL <see cref="KillGracePeriod"/> later
/// if any member is left; the call throws <see cref="OperationCanceledException"/> once the shell was reaped
/// (and the output had its grace period), while that escalation goes on. <see cref="RunAsync"/> only calls
/// <see cref="IObserver{T}.OnNext"/>: completing the observer is the caller's business.
/// </remarks>
public sealed class ShellProcessLauncher : IProcessLauncher
{
    public static readonly TimeSpan OutputGracePeriod = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan KillGracePeriod = TimeSpan.FromSeconds(3);

    private static readonly TimeSpan GroupPollInterval = TimeSpan.FromMilliseconds(50);

    private readonly ILogger _logger;
    private readonly string _shell;

    public ShellProcessLauncher(ILogger<ShellProcessLauncher> logger)
        : this(logger, LoginShell.ResolveShell())
    {
    }

    /// <summary>Uses <paramref name="shell"/> instead of the login shell.</summary>
    public ShellProcessLauncher(ILogger<ShellProcessLauncher> logger, string shell)
    {
        ArgumentException.ThrowIfNullOrEmpty(shell);
        _logger = logger;
        _shell = shell;
    }

    /// <summary>The shell every script runs with.</summary>
    public string Shell => _shell;

    public async Task<int> RunAsync(CommandSpec spec, IObserver<string> lines, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(lines);
        cancellationToken.ThrowIfCancellationRequested();
        var handoff = new LineHandoff(lines, _logger);
        int exitCode;
        try
        {
            exitCode = await RunCoreAsync(spec, new LineSink(handoff, CommandSpec.MaxLineLength), cancellationToken);
        }
        catch
        {
            handoff.Complete();
            throw;
        }

        await handoff.Completion;
        cancellationToken.ThrowIfCancellationRequested();
        return exitCode;
    }

    public async Task<CommandResult> CaptureAsync(CommandSpec spec, int maxOutputBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentOutOfRangeException.ThrowIfNegative(maxOutputBytes);
        cancellationToken.ThrowIfCancellationRequested();
        var sink = new CaptureSink(maxOutputBytes);
        var exitCode = await RunCoreAsync(spec, sink, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        return new CommandResult(exitCode, sink.Kept, sink.TotalBytes);
    }

    // An output file that cannot be written (a missing or read-only log directory, another user's file that cannot be
    // removed) is logged and skipped: the script still runs and its lines are still streamed.
    private FileStream? OpenOutputFile(string? path)
    {
        if (string.IsNullOrEmpty(path))
            return null;
        try
        {
            var handle = PrivateFile.OpenForWrite(path, append: false, out var replaced);
            if (replaced is not null)
                _logger.ReplacedUnsafeFile(path, replaced);
            return new FileStream(handle, FileAccess.Write, bufferSize: 0);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _logger.ScriptLogSkipped(path, e.Message);
            return null;
        }
    }

    // Starts, waits for the shell (killing the group on cancellation), then gives the output its grace period.
    // The sink is finished when this returns normally or after a successful start.
    private async Task<int> RunCoreAsync(CommandSpec spec, IOutputSink sink, CancellationToken cancellationToken)
    {
        var file = OpenOutputFile(spec.OutputFile);
        ShellProcess process;
        try
        {
            process = ShellProcess.Start(_shell, [_shell, "-c", spec.Script], ChildProcessSetup.Environment(spec.Environment), ChildProcessSetup.WorkingDirectory(spec.WorkingDirectory));
        }
        catch
        {
            file?.Dispose();
            throw;
        }

        var pump = new OutputPump(process.OutputFd, file, sink, _logger);
        int exitCode;

        // The escalation to SIGKILL is not awaited: the call ends once the shell is reaped, and members of the
        // group that outlive it still get SIGKILL when the grace period ends (a zombie member that a non-reaping
        // init never collects looks alive to kill(-pgid, 0) and would otherwise add the whole grace period).
        using (cancellationToken.Register(() => _ = TerminateAsync(process)))
            exitCode = await process.Exited;

        await Task.WhenAny(pump.Completion, Task.Delay(OutputGracePeriod, CancellationToken.None));
        if (!pump.Completion.IsCompleted)
            _logger.OutputStillOpen(process.Id);
        pump.Detach();
        return exitCode;
    }

    // SIGTERM to the group; SIGKILL once the grace period passed unless the shell was reaped and no member is left.
    private async Task TerminateAsync(ShellProcess process)
    {
        _logger.ScriptCancelled(process.Id);
        if (!process.SignalGroup(LibC.SIGTERM))
            return;
        var deadline = Environment.TickCount64 + (long)KillGracePeriod.TotalMilliseconds;
        while (true)
        {
            if (process.HasExited && !process.SignalGroup(0))
                return;
            var remaining = deadline - Environment.TickCount64;
            if (remaining <= 0)
                break;
            if (process.HasExited)
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(remaining, GroupPollInterval.TotalMilliseconds)), CancellationToken.None);
            else
                await Task.WhenAny(process.Exited, Task.Delay(TimeSpan.FromMilliseconds(remaining), CancellationToken.None));
        }

        _logger.ScriptGroupKilled(process.Id, KillGracePeriod);
        process.SignalGroup(LibC.SIGKILL);
    }
}
