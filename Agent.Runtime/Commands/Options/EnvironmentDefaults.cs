namespace Agent.Runtime.Commands.Options;

/// <summary>Reads option defaults from the environment (ours first, then Coder's names).</summary>
public static class EnvironmentDefaults
{
    /// <summary>The value of the first variable in <paramref name="names"/> that is set and not empty.</summary>
    public static string? First(params string[] names) => FirstSet(names)?.Value;

    /// <summary>The first variable in <paramref name="names"/> that is set and not empty, with its name (for errors that say where a value came from).</summary>
    public static (string Name, string Value)? FirstSet(params string[] names)
    {
        ArgumentNullException.ThrowIfNull(names);
        foreach (var name in names)
        {
            var value = Environment.GetEnvironmentVariable(name);
            if (!string.IsNullOrEmpty(value))
                return (name, value);
        }

        return null;
    }

    /// <summary>
    /// The value of <paramref name="option"/> when given, else of the first of <paramref name="variables"/> that is set, with
    /// where it came from (the option's or the variable's name); <c>null</c> when neither is set.
    /// </summary>
    public static (string Source, string Value)? OptionOrFirst(string option, string? optionValue, params string[] variables)
        => optionValue is not null ? (option, optionValue) : FirstSet(variables);
}
