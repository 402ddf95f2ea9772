using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Agent.Reactive.Effects;

namespace Agent.Specs.Fakes.Scripts;

/// <summary>
/// A process launcher on a virtual clock for many scripts: each script text behaves as its <see cref="ScriptBehaviour"/>
/// says (a line at the start, exit code and time); unknown texts exit 0 at once. Records each start and kill.
/// </summary>
public sealed class ScriptTableLauncher(IScheduler scheduler) : IProcessLauncher
{
    public Dictionary<string, ScriptBehaviour> Scripts { get; } = new(StringComparer.Ordinal);

    /// <summary>Every run: the script text, when it started, its spec.</summary>
    public List<(string Script, DateTimeOffset At, CommandSpec Spec)> Runs { get; } = [];

    public List<(string Script, DateTimeOffset At)> Kills { get; } = [];

    public int RunsOf(string script) => Runs.Count(run => run.Script == script);

    public Task<int> RunAsync(CommandSpec spec, IObserver<string> lines, CancellationToken cancellationToken)
    {
        Runs.Add((spec.Script, scheduler.Now, spec));
        var behaviour = Scripts.GetValueOrDefault(spec.Script, new ScriptBehaviour(TimeSpan.Zero));
        var exit = new TaskCompletionSource<int>();
        var work = new CompositeDisposable();
        var run = Runs.Count;
        work.Add(scheduler.Schedule(TimeSpan.Zero, () => lines.OnNext($"{spec.Script} run {run}")));
        work.Add(scheduler.Schedule(behaviour.ExitAfter, () => exit.TrySetResult(behaviour.ExitCode)));
        cancellationToken.Register(() =>
        {
            if (exit.TrySetCanceled(cancellationToken))
            {
                work.Dispose();
                Kills.Add((spec.Script, scheduler.Now));
            }
        });
        return exit.Task;
    }

    public Task<CommandResult> CaptureAsync(CommandSpec spec, int maxOutputBytes, CancellationToken cancellationToken)
        => throw new NotSupportedException("scripts only use RunAsync");
}
