using System.Globalization;

namespace Agent.Specs.Fuzz;

/// <summary>
/// How long and how hard a run goes. Specs run each target briefly with a fixed seed; <c>bench/fuzz.sh</c> sets
/// <c>AGENT_FUZZ_SECONDS</c> (per target), <c>AGENT_FUZZ_SEED</c>, <c>AGENT_FUZZ_COUNT</c> (inputs per target) and
/// <c>AGENT_FUZZ_REPORT</c> (a file that gets one line per target and one per finding).
/// </summary>
internal sealed record FuzzSettings(ulong Seed, TimeSpan Budget, long MaxExecutions, TimeSpan InputDeadline, string? ReportFile)
{
    /// <summary>The seed of every spec run (the date the fuzz specs were written).</summary>
    public const ulong DefaultSeed = 20261204;

    /// <summary>The spec defaults, overridden by the environment.</summary>
    public static FuzzSettings FromEnvironment(TimeSpan budget, long maxExecutions)
    {
        var seconds = Environment.GetEnvironmentVariable("AGENT_FUZZ_SECONDS");
        var seed = Environment.GetEnvironmentVariable("AGENT_FUZZ_SEED");
        var count = Environment.GetEnvironmentVariable("AGENT_FUZZ_COUNT");
        if (!string.IsNullOrEmpty(seconds))
        {
            budget = TimeSpan.FromSeconds(double.Parse(seconds, CultureInfo.InvariantCulture));
            maxExecutions = long.MaxValue;
        }

        if (!string.IsNullOrEmpty(count))
            maxExecutions = long.Parse(count, CultureInfo.InvariantCulture);
        return new FuzzSettings(
            string.IsNullOrEmpty(seed) ? DefaultSeed : ulong.Parse(seed, CultureInfo.InvariantCulture),
            budget,
            maxExecutions,
            TimeSpan.FromSeconds(5),
            Environment.GetEnvironmentVariable("AGENT_FUZZ_REPORT"));
    }
}
