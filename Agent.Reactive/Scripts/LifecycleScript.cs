using System.Reactive.Concurrency;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>Runs the startup or shutdown script and moves the lifecycle on (Coder's <c>runScript</c> and its callers).</summary>
public static class LifecycleScript
{
    /// <summary>
    /// Runs <paramref name="script"/> and sets the states that follow <c>starting</c> / <c>shutting_down</c>
    /// through <paramref name="setState"/>: the timeout state when <paramref name="timeout"/> (if positive)
    /// passes first, the script still running; then, once its output was sent or dropped by
    /// <see cref="ScriptLogs"/>, <c>ready</c> / <c>off</c> on exit code 0, otherwise (other code, start
    /// failure) <c>start_error</c> / <c>shutdown_error</c>. An empty script runs nothing and succeeds at once.
    /// Tells each output line as a <see cref="LogLine"/> event when it arrives, then produces the final state and
    /// completes; unsubscribing kills the script and sets nothing more.
    /// </summary>
    /// <param name="kind">Startup or shutdown: picks the states and the log source.</param>
    /// <param name="script">The script text from the manifest.</param>
    /// <param name="timeout">When positive, how long before the timeout state is set.</param>
    /// <param name="command">What the launcher runs (the script, directory, environment, log file).</param>
    /// <param name="launcher">Runs the script.</param>
    /// <param name="client">Where the script's output goes.</param>
    /// <param name="setState">Sets a lifecycle state; returns whether it moved forward.</param>
    /// <param name="scheduler">Clock of the timeout and the log stream.</param>
    /// <param name="logger">Where the script's progress is logged.</param>
    public static IObservable<PipelineOutput<LifecycleState>> Run(
        ScriptKind kind,
        string script,
        TimeSpan timeout,
        CommandSpec command,
        IProcessLauncher launcher,
        IControlPlaneClient client,
        Func<LifecycleState, bool> setState,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(launcher);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(setState);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);

        if (kind is not (ScriptKind.Startup or ScriptKind.Shutdown))
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown script kind");
        var target = ScriptLogTarget.Old(kind == ScriptKind.Startup ? LogSources.Startup : LogSources.Shutdown);
        IObservable<PipelineOutput<ScriptProgress>>[] runs = string.IsNullOrWhiteSpace(script)
            ? []
            : [ScriptRun.Run(target, timeout, stopAtTimeout: false, command, launcher, new ScriptLogSender(client, logger), scheduler, logger)];
        return LifecycleScripts.Run(kind, runs, setState);
    }
}
