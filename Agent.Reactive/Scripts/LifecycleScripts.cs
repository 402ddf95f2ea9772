using System.Reactive.Linq;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;

namespace Agent.Reactive.Scripts;

/// <summary>The scripts that run when the agent starts or stops, together, and the lifecycle state they lead to.</summary>
public static class LifecycleScripts
{
    /// <summary>
    /// Runs every one of <paramref name="runs"/> at once and sets the states that follow <c>starting</c> /
    /// <c>shutting_down</c> through <paramref name="setState"/>: the timeout state as soon as one run times out; once
    /// every run ended, <c>ready</c> / <c>off</c> when all succeeded, otherwise <c>start_error</c> /
    /// <c>shutdown_error</c>. No runs: the success state at once. Passes the runs' events on, then produces the final
    /// state and completes; unsubscribing stops the runs and sets nothing more.
    /// </summary>
    /// <param name="kind">Startup or shutdown: picks the states.</param>
    /// <param name="runs">The scripts' runs (<see cref="ScriptRun.Run"/>).</param>
    /// <param name="setState">Sets a lifecycle state; returns whether it moved forward.</param>
    public static IObservable<PipelineOutput<LifecycleState>> Run(
        ScriptKind kind,
        IReadOnlyList<IObservable<PipelineOutput<ScriptProgress>>> runs,
        Func<LifecycleState, bool> setState)
    {
        ArgumentNullException.ThrowIfNull(runs);
        ArgumentNullException.ThrowIfNull(setState);
        var (succeeded, failed, timedOut) = kind switch
        {
            ScriptKind.Startup => (LifecycleState.Ready, LifecycleState.StartError, LifecycleState.StartTimeout),
            ScriptKind.Shutdown => (LifecycleState.Off, LifecycleState.ShutdownError, LifecycleState.ShutdownTimeout),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown script kind"),
        };

        return Observable.Defer(() =>
        {
            var anyFailed = false;
            var told = runs.Count == 0
                ? Observable.Empty<PipelineOutput<LifecycleState>>()
                : runs.Merge()
                    .Select(output =>
                    {
                        switch (output)
                        {
                            case PipelineOutput<ScriptProgress>.Event line:
                                return PipelineOutputs.Event<LifecycleState>(line.Value);
                            case PipelineOutput<ScriptProgress>.Product { Value: ScriptProgress.TimedOut }:
                                setState(timedOut);
                                break;
                            case PipelineOutput<ScriptProgress>.Product { Value: ScriptProgress.Failed }:
                                anyFailed = true;
                                break;
                        }

                        return null;
                    })
                    .Where(output => output is not null)
                    .Select(output => output!);
            return told.Concat(Observable.Defer(() =>
            {
                var state = anyFailed ? failed : succeeded;
                setState(state);
                return Observable.Return(PipelineOutputs.Product(state));
            }));
        });
    }
}
