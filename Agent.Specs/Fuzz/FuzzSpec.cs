namespace Agent.Specs.Fuzz;

/// <summary>A short seeded run of a target inside a spec: no findings, the corpus accepted before and after.</summary>
internal static class FuzzSpec
{
    /// <summary>The default time per target in a spec run (<c>AGENT_FUZZ_SECONDS</c> overrides it).</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    public static async Task<FuzzRun> RunAsync(FuzzTarget target, long maxExecutions = 50_000, long minimumExecutions = 50)
    {
        var run = await FuzzRunner.RunAsync(target, FuzzSettings.FromEnvironment(Budget, maxExecutions));
        Assert.True(run.Findings.Count == 0 && run.CorpusFailures.Count == 0, run.Describe());
        Assert.True(run.Executions >= Math.Min(minimumExecutions, maxExecutions), $"only {run.Executions} inputs ran: {run.Describe()}");
        return run;
    }
}
