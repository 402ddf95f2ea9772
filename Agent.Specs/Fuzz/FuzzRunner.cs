using System.Diagnostics;
using System.Globalization;

namespace Agent.Specs.Fuzz;

/// <summary>
/// Runs one target: its corpus first (each must be accepted), then mutated inputs until the budget or the count is
/// spent, each under the per-input deadline, then the corpus again (bad inputs broke nothing for the next one).
/// A finding is confirmed by running its input again with a longer deadline, then minimised (ranges removed while
/// it still fails the same way) within a few seconds. Runs are single-threaded per target and reproducible from
/// the seed: input <c>i</c> depends only on the seed, the target's name and <c>i</c>.
/// </summary>
internal static class FuzzRunner
{
    private const int MaxDistinctFindings = 8;
    private static readonly TimeSpan MinimiseBudget = TimeSpan.FromSeconds(5);

    public static async Task<FuzzRun> RunAsync(FuzzTarget target, FuzzSettings settings)
    {
        var mutator = new FuzzMutator(target.Corpus, target.Dictionary, target.MaxInputBytes);
        var run = new FuzzRun(target.Name, settings.Seed);
        await CheckCorpusAsync(target, settings, run, "before the run");
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < settings.MaxExecutions && clock.Elapsed < settings.Budget; i++)
        {
            var input = mutator.Next(FuzzMutator.RandomFor(settings.Seed, target.Name, i));
            if (target.Skip?.Invoke(input) == true)
            {
                run.Skipped++;
                continue;
            }

            var result = await ExecuteAsync(target, input, settings.InputDeadline);
            run.Executions++;
            if (result.Outcome == FuzzOutcome.Accepted)
                run.Accepted++;
            else if (result.Outcome == FuzzOutcome.Refused)
                run.Refused++;
            else
                await RecordAsync(target, settings, run, result, i, input);
        }

        run.Elapsed = clock.Elapsed;
        await CheckCorpusAsync(target, settings, run, "after the run");
        if (settings.ReportFile is { } file)
            await File.AppendAllTextAsync(file, run.Describe() + "\n");
        return run;
    }

    /// <summary>Runs one input once: its outcome, or what went wrong (an exception that escaped, the deadline, the allocation).</summary>
    public static async Task<FuzzResult> ExecuteAsync(FuzzTarget target, byte[] input, TimeSpan deadline)
    {
        var cancel = new CancellationTokenSource();
        var allocated = GC.GetTotalAllocatedBytes();
        var task = Task.Run(() => target.RunAsync(input, cancel.Token));
        try
        {
            await task.WaitAsync(deadline);
            cancel.Dispose();
        }
        catch (TimeoutException) when (!task.IsCompleted)
        {
            // Let the target clean up if it can; its end, whatever it is, is no longer awaited.
            await cancel.CancelAsync();
            _ = task.ContinueWith(static t => t.Exception, TaskScheduler.Default);
            return new FuzzResult(null, "hang", $"no outcome within {deadline.TotalSeconds:0.#} s", "the per-input deadline passed");
        }
        catch (Exception e)
        {
            var frame = new StackTrace(e).GetFrames().FirstOrDefault(f => f.GetMethod()?.DeclaringType?.Namespace?.StartsWith("Agent.Runtime", StringComparison.Ordinal) == true)
                ?? new StackTrace(e).GetFrame(0);
            var where = frame?.GetMethod() is { } method ? $"{method.DeclaringType?.Name}.{method.Name}" : "?";
            return new FuzzResult(null, "crash", $"{e.GetType().Name} in {where}", e.ToString());
        }

        allocated = GC.GetTotalAllocatedBytes() - allocated;
        if (allocated > target.MaxAllocatedBytes)
            return new FuzzResult(null, "allocation", $"more than {target.MaxAllocatedBytes >> 20} MiB", $"{allocated >> 20} MiB allocated for an input of {input.Length} bytes");
        return new FuzzResult(await task, null, null, null);
    }

    private static async Task CheckCorpusAsync(FuzzTarget target, FuzzSettings settings, FuzzRun run, string when)
    {
        for (var i = 0; i < target.Corpus.Count; i++)
        {
            var result = await ExecuteAsync(target, target.Corpus[i], settings.InputDeadline * 2);
            if (result.Outcome != FuzzOutcome.Accepted)
                run.CorpusFailures.Add($"valid input {i} {when}: {result.Outcome?.ToString() ?? $"{result.Kind} {result.Signature}: {result.Detail}"}");
        }
    }

    private static async Task RecordAsync(FuzzTarget target, FuzzSettings settings, FuzzRun run, FuzzResult result, long iteration, byte[] input)
    {
        var known = run.Findings.FirstOrDefault(f => f.Kind == result.Kind && f.Signature == result.Signature);
        if (known is not null)
        {
            known.Occurrences++;
            return;
        }

        if (run.Findings.Count >= MaxDistinctFindings)
            return;

        // A loaded machine can miss a deadline, and other specs allocate at the same time: confirm first.
        var again = await ExecuteAsync(target, input, settings.InputDeadline * 3);
        if (again.Kind != result.Kind || again.Signature != result.Signature)
        {
            run.Unconfirmed++;
            return;
        }

        var minimised = await MinimiseAsync(target, input, result, settings.InputDeadline);
        run.Findings.Add(new FuzzFinding(result.Kind!, result.Signature!, result.Detail!, iteration, minimised));
    }

    /// <summary>Removes ranges (halves, quarters, ... single bytes) while the input still fails the same way.</summary>
    private static async Task<byte[]> MinimiseAsync(FuzzTarget target, byte[] input, FuzzResult failure, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        var attempts = failure.Kind == "hang" ? 4 : int.MaxValue;
        var current = input;
        for (var chunk = Math.Max(1, current.Length / 2); chunk >= 1 && clock.Elapsed < MinimiseBudget && attempts > 0; chunk /= 2)
        {
            for (var at = 0; at + chunk <= current.Length && clock.Elapsed < MinimiseBudget && attempts-- > 0;)
            {
                byte[] candidate = [.. current.AsSpan(0, at), .. current.AsSpan(at + chunk)];
                var result = await ExecuteAsync(target, candidate, deadline);
                if (result.Kind == failure.Kind && result.Signature == failure.Signature)
                    current = candidate;
                else
                    at += chunk;
            }

            if (chunk == 1)
                break;
        }

        return current;
    }
}

/// <summary>What one input did: an outcome, or a finding's kind, signature and detail.</summary>
internal readonly record struct FuzzResult(FuzzOutcome? Outcome, string? Kind, string? Signature, string? Detail);

/// <summary>The tallies and findings of one target's run.</summary>
internal sealed class FuzzRun(string target, ulong seed)
{
    public string Target { get; } = target;

    public ulong Seed { get; } = seed;

    public long Executions { get; set; }

    public long Accepted { get; set; }

    public long Refused { get; set; }

    public long Skipped { get; set; }

    public long Unconfirmed { get; set; }

    public TimeSpan Elapsed { get; set; }

    public List<FuzzFinding> Findings { get; } = [];

    public List<string> CorpusFailures { get; } = [];

    public double ExecutionsPerSecond => Executions / Math.Max(Elapsed.TotalSeconds, 1e-3);

    public string Describe()
    {
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{Target,-24} seed {Seed}  {Executions,9} inputs in {Elapsed.TotalSeconds,6:0.0} s  {ExecutionsPerSecond,9:0} execs/s  accepted {Accepted}  refused {Refused}  skipped {Skipped}  unconfirmed {Unconfirmed}  findings {Findings.Count}");
        var details = Findings.Select(f => "  " + f).Concat(CorpusFailures.Select(f => "  corpus: " + f));
        return string.Join("\n", [line, .. details]);
    }
}
