using System.Reactive.Concurrency;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fakes.Metadata;

/// <summary>A process launcher whose runs are answered by the spec; records when each script started.</summary>
public sealed class ScriptedLauncher(IScheduler scheduler, Func<string, CancellationToken, Task<CommandResult>> run)
    : IProcessLauncher
{
    public List<(string Script, TimeSpan At)> Starts { get; } = [];

    public List<int> MaxOutputBytesSeen { get; } = [];

    public static Task<CommandResult> Output(string text, int exitCode = 0)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return Task.FromResult(new CommandResult(exitCode, bytes, bytes.Length));
    }

    /// <summary>A run that ends only when cancelled (then as cancelled); <paramref name="cancelled"/> counts those.</summary>
    public static Task<CommandResult> Hanging(CancellationToken cancellationToken, Action cancelled)
        => Pending.UntilCancelled<CommandResult>(cancellationToken, cancelled);

    public TimeSpan[] StartsOf(string script)
        => Starts.Where(start => start.Script == script).Select(start => start.At).ToArray();

    public Task<CommandResult> CaptureAsync(CommandSpec spec, int maxOutputBytes, CancellationToken cancellationToken)
    {
        Starts.Add((spec.Script, TimeSpan.FromTicks(scheduler.Now.UtcTicks)));
        MaxOutputBytesSeen.Add(maxOutputBytes);
        return run(spec.Script, cancellationToken);
    }

    public Task<int> RunAsync(CommandSpec spec, IObserver<string> lines, CancellationToken cancellationToken)
        => throw new NotSupportedException("metadata captures output");
}
