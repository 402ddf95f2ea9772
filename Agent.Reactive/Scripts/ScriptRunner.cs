using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Scripts;

/// <summary>
/// Runs the manifest's scripts (<see cref="AgentScript.From"/>): those that run on start, behind the
/// <see cref="LoginGate"/> when they block logins; those that run on stop; and those with a schedule.
/// </summary>
/// <param name="launcher">Runs a script.</param>
/// <param name="sender">Sends script lines to the control plane.</param>
/// <param name="command">What the launcher runs for a script's text, with its log file's full path.</param>
/// <param name="files">The log directory and the old scripts' log files.</param>
/// <param name="zone">The time zone of the schedules.</param>
/// <param name="scheduler">Clock of the timeouts, the schedules and the log streams.</param>
/// <param name="logger">Where the scripts' progress is logged.</param>
public sealed class ScriptRunner(
    IProcessLauncher launcher,
    ScriptLogSender sender,
    Func<Manifest, string, string, CommandSpec> command,
    ScriptLogFiles files,
    TimeZoneInfo zone,
    IScheduler scheduler,
    ILogger logger)
{
    /// <summary>
    /// The scripts that run on start, all at once, and the lifecycle state they lead to (see
    /// <see cref="LifecycleScripts.Run"/>); the <paramref name="gate"/> is closed while the blocking ones run.
    /// </summary>
    public IObservable<PipelineOutput<LifecycleState>> RunStart(Manifest manifest, LoginGate gate, Func<LifecycleState, bool> setState)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(gate);
        return Observable.Defer(() =>
        {
            var blocking = new List<BlockingScript>();
            var runs = new List<IObservable<PipelineOutput<ScriptProgress>>>();
            foreach (var script in Scripts(manifest).Where(s => s.Script.RunOnStart))
            {
                var run = Run(manifest, script, stopAtTimeout: false);
                if (script.Script.StartBlocksLogin)
                {
                    var ended = new AsyncSubject<bool>();
                    var wait = script.Script.Timeout > TimeSpan.Zero ? script.Script.Timeout : LoginGate.DefaultWait;
                    blocking.Add(new BlockingScript(script.Target.Name, ended, wait));
                    run = run.Do(output =>
                    {
                        if (output is PipelineOutput<ScriptProgress>.Product { Value: not ScriptProgress.TimedOut } ending)
                        {
                            ended.OnNext(ending.Value == ScriptProgress.Succeeded);
                            ended.OnCompleted();
                        }
                    });
                }

                runs.Add(run);
            }

            var blocked = gate.Block(blocking, scheduler, logger);
            return LifecycleScripts.Run(ScriptKind.Startup, runs, setState).Finally(blocked.Dispose);
        });
    }

    /// <summary>The scripts that run on stop, all at once, and the lifecycle state they lead to.</summary>
    public IObservable<PipelineOutput<LifecycleState>> RunStop(Manifest manifest, Func<LifecycleState, bool> setState)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        return Observable.Defer(() => LifecycleScripts.Run(
            ScriptKind.Shutdown,
            [.. Scripts(manifest).Where(s => s.Script.RunOnStop).Select(s => Run(manifest, s, stopAtTimeout: false))],
            setState));
    }

    /// <summary>
    /// Every script with a schedule, run on it (<see cref="ScriptSchedule.Run"/>; a scheduled run is stopped at its
    /// timeout) until <paramref name="stop"/> produces; a schedule that does not parse is logged and told as a line
    /// of that script's log, the others run on. Tells the runs' lines.
    /// </summary>
    public IObservable<AgentEvent> RunSchedules<TStop>(Manifest manifest, IObservable<TStop> stop)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(stop);
        return Observable.Defer(() => Scripts(manifest)
            .Where(s => !string.IsNullOrWhiteSpace(s.Script.Cron))
            .Select(script => Schedule(manifest, script, stop))
            .Merge());
    }

    private IObservable<AgentEvent> Schedule<TStop>(Manifest manifest, AgentScript script, IObservable<TStop> stop)
    {
        if (!CronSchedule.TryParse(script.Script.Cron, out var schedule, out var error))
        {
            logger.ScheduleInvalid(script.Target.Name, script.Script.Cron, error);
            return ScriptLogs
                .Stream(Observable.Return($"[agent] the schedule \"{script.Script.Cron}\" is invalid, this script will not run on it: {error}"), script.Target, sender, scheduler, logger)
                .OfType<PipelineOutput<System.Reactive.Unit>.Event>()
                .Select(told => told.Value);
        }

        if (schedule.Next(scheduler.Now, zone) is null)
        {
            logger.ScheduleNeverRuns(script.Target.Name, script.Script.Cron);
            return Observable.Empty<AgentEvent>();
        }

        return ScriptSchedule.Run(
            script.Target.Name,
            ScriptSchedule.Ticks(schedule, zone, scheduler),
            stop,
            _ => Run(manifest, script, stopAtTimeout: true)
                .OfType<PipelineOutput<ScriptProgress>.Event>()
                .Select(told => told.Value),
            logger);
    }

    private IReadOnlyList<AgentScript> Scripts(Manifest manifest)
        => AgentScript.From(manifest, files.StartupLogFile, files.ShutdownLogFile);

    private IObservable<PipelineOutput<ScriptProgress>> Run(Manifest manifest, AgentScript script, bool stopAtTimeout)
        => ScriptRun.Run(
            script.Target,
            script.Script.Timeout,
            stopAtTimeout,
            command(manifest, script.Script.Script, Path.Combine(files.LogDirectory, script.LogFile)),
            launcher,
            sender,
            scheduler,
            logger);
}
