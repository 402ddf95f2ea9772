namespace Agent.Specs.Utilities.Leftovers;

/// <summary>
/// This test run's mark: a variable every process the specs start inherits (directly or through an agent, a shell, ssh),
/// so that what a run started can be told from what other runs on the machine started.
/// </summary>
public static class SpecRun
{
    public const string Variable = "SPECS_RUN_ID";

    /// <summary>The run's id, set in this process's environment the first time it is asked for.</summary>
    public static string Id { get; } = Mark();

    private static string Mark()
    {
        var id = Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(Variable, id);
        return id;
    }
}
