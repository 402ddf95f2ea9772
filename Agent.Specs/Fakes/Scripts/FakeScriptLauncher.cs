using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Agent.Reactive.Effects;

namespace Agent.Specs.Fakes.Scripts;

/// <summary>
/// A process launcher on a virtual clock: each run writes the scripted lines at their times (after the start),
/// then exits with <see cref="ExitCode"/> at <see cref="ExitAfter"/>; or fails to start with
/// <see cref="StartFailure"/>. Cancelling a run "kills" it: no more lines, the task is cancelled.
/// </summary>
public sealed class FakeScriptLauncher(IScheduler scheduler) : IProcessLauncher
{
    private readonly List<(TimeSpan After, string Line)> _lines = [];

    public TimeSpan ExitAfter { get; set; }

    public int ExitCode { get; set; }

    public Exception? StartFailure { get; set; }

    public List<CommandSpec> Runs { get; } = [];

    public int Kills { get; private set; }

    public FakeScriptLauncher Say(TimeSpan after, params string[] lines)
    {
        foreach (var line in lines)
            _lines.Add((after, line));
        return this;
    }

    public Task<int> RunAsync(CommandSpec spec, IObserver<string> lines, CancellationToken cancellationToken)
    {
        Runs.Add(spec);
        if (StartFailure is not null)
            return Task.FromException<int>(StartFailure);

        var exit = new TaskCompletionSource<int>();
        var work = new CompositeDisposable();
        foreach (var (after, line) in _lines)
            work.Add(scheduler.Schedule(after, () => lines.OnNext(line)));
        work.Add(scheduler.Schedule(ExitAfter, () => exit.TrySetResult(ExitCode)));
        cancellationToken.Register(() =>
        {
            if (exit.TrySetCanceled(cancellationToken))
            {
                work.Dispose();
                Kills++;
            }
        });
        return exit.Task;
    }

    public Task<CommandResult> CaptureAsync(CommandSpec spec, int maxOutputBytes, CancellationToken cancellationToken)
        => throw new NotSupportedException("lifecycle scripts only use RunAsync");
}
