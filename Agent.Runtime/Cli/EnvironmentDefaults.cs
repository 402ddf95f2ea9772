namespace Agent.Runtime.Cli;

/// <summary>Reads option defaults from the environment (ours first, then Coder's names).</summary>
public static class EnvironmentDefaults
{
    /// <summary>The value of the first variable in <paramref name="names"/> that is set and not empty.</summary>
    public static string? First(params string[] names)
    {
        foreach (var name in names)
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrEmpty(value))
                return value;
        }

        return null;
    }
}
