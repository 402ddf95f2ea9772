using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>One run of one script, its output streamed to its log source (Coder's <c>runScript</c>).</summary>
public static class ScriptRun
{
    /// <summary>
    /// Runs <paramref name="command"/>, telling each output line as a <see cref="LogLine"/> event and sending it to
    /// <paramref name="target"/>. When <paramref name="timeout"/> (if positive) passes first, produces
    /// <see cref="ScriptProgress.TimedOut"/> and, with <paramref name="stopAtTimeout"/>, kills the script (a line says
    /// so) and counts the run as failed; without it the script runs on. Once its output was sent or dropped, produces
    /// <see cref="ScriptProgress.Succeeded"/> on exit code 0, else (another code, a start failure)
    /// <see cref="ScriptProgress.Failed"/>, and completes. Unsubscribing kills the script.
    /// </summary>
    /// <param name="target">The script's log source.</param>
    /// <param name="timeout">When positive, how long before <see cref="ScriptProgress.TimedOut"/>.</param>
    /// <param name="stopAtTimeout">Whether the script is killed at the timeout.</param>
    /// <param name="command">What the launcher runs (the script, directory, environment, log file).</param>
    /// <param name="launcher">Runs the script.</param>
    /// <param name="sender">Sends the script's lines to the control plane.</param>
    /// <param name="scheduler">Clock of the timeout and the log stream.</param>
    /// <param name="logger">Where the script's progress is logged.</param>
    public static IObservable<PipelineOutput<ScriptProgress>> Run(
        ScriptLogTarget target,
        TimeSpan timeout,
        bool stopAtTimeout,
        CommandSpec command,
        IProcessLauncher launcher,
        ScriptLogSender sender,
        IScheduler scheduler,
        ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(launcher);
        ArgumentNullException.ThrowIfNull(sender);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);

        var source = target.Name;
        return Observable.Create<PipelineOutput<ScriptProgress>>(observer =>
        {
            // Lock order: gate, then the synchronized observer; the observer's lock never takes the gate.
            var safe = System.Reactive.Observer.Synchronize(observer);
            var gate = new object();
            var ended = false;
            var final = ScriptProgress.Failed;
            var lines = new Subject<string>();
            var output = System.Reactive.Observer.Synchronize(lines);
            var run = new SingleAssignmentDisposable();

            var logs = ScriptLogs.Stream(lines, target, sender, scheduler, logger).Subscribe(
                told =>
                {
                    if (told is PipelineOutput<System.Reactive.Unit>.Event line)
                        safe.OnNext(PipelineOutputs.Event<ScriptProgress>(line.Value));
                },
                safe.OnError,
                () =>
                {
                    ScriptProgress state;
                    lock (gate)
                        state = final;
                    safe.OnNext(PipelineOutputs.Product(state));
                    safe.OnCompleted();
                });

            void End(ScriptProgress state)
            {
                lock (gate)
                {
                    if (ended)
                        return;
                    ended = true;
                    final = state;
                }

                output.OnCompleted();
            }

            var timer = timeout > TimeSpan.Zero
                ? scheduler.Schedule(timeout, () =>
                {
                    // Under the gate, so TimedOut can never follow the end of the run.
                    lock (gate)
                    {
                        if (ended)
                            return;
                        logger.ScriptTimedOut(source, timeout);
                        safe.OnNext(PipelineOutputs.Product(ScriptProgress.TimedOut));
                        if (!stopAtTimeout)
                            return;
                        logger.ScheduledRunStopped(source, timeout);
                        run.Dispose();
                        output.OnNext($"[agent] the {source} script did not finish within {timeout} and was stopped");
                        End(ScriptProgress.Failed);
                    }
                })
                : Disposable.Empty;

            logger.ScriptRunning(source);
            run.Disposable = AgentObservable.FromTask(cancellation => launcher.RunAsync(command, output, cancellation), scheduler).Subscribe(
                exitCode =>
                {
                    if (exitCode == 0)
                        logger.ScriptFinished(source);
                    else
                        logger.ScriptFailed(source, exitCode);
                    timer.Dispose();
                    End(exitCode == 0 ? ScriptProgress.Succeeded : ScriptProgress.Failed);
                },
                error =>
                {
                    logger.ScriptNotRun(error, source);
                    timer.Dispose();
                    output.OnNext($"[agent] the {source} script could not run: {error.Message}");
                    End(ScriptProgress.Failed);
                });

            return new CompositeDisposable(run, timer, logs);
        });
    }
}
