using System.Text.RegularExpressions;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The <c>git_auth</c> entries of a workspace with their regular expressions compiled once. The expressions run on
/// .NET's non-backtracking engine (linear in the URL, like Go's RE2 that Coder uses) with a match timeout on top, and
/// are at most <see cref="MaxPatternLength"/> characters, so no workspace file can make a lookup slow.
/// </summary>
public sealed class GitAuthProviders
{
    /// <summary>Longest accepted pattern.</summary>
    public const int MaxPatternLength = 1024;

    /// <summary>How long one match may take.</summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

    private readonly (GitAuthDefinition Definition, Regex Pattern)[] _providers;

    public GitAuthProviders(IReadOnlyList<GitAuthDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        _providers = [.. definitions.Select(definition => (definition, Compile(definition.Regex)))];
    }

    /// <summary>How many providers there are (the manifest's <c>git_auth_configs</c>).</summary>
    public int Count => _providers.Length;

    /// <summary>Compiles <paramref name="pattern"/> as the providers use it.</summary>
    /// <exception cref="ArgumentException">The pattern is not valid, or uses a construct that needs backtracking.</exception>
    /// <exception cref="NotSupportedException">The pattern uses a construct the non-backtracking engine lacks.</exception>
    public static Regex Compile(string pattern)
        => new(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant, MatchTimeout);

    /// <summary>
    /// The first provider whose expression matches <paramref name="url"/>, or null. <paramref name="timedOut"/> names a
    /// provider whose match ran out of time (counted as no match).
    /// </summary>
    public GitAuthDefinition? Find(string url, out string? timedOut)
    {
        ArgumentNullException.ThrowIfNull(url);
        timedOut = null;
        foreach (var (definition, pattern) in _providers)
        {
            try
            {
                if (pattern.IsMatch(url))
                    return definition;
            }
            catch (RegexMatchTimeoutException)
            {
                timedOut ??= definition.Id;
            }
        }

        return null;
    }

    /// <summary>Each provider as <c>id="regex"</c>, for the answer that says why nothing matched (as Coder's does).</summary>
    public string Describe()
        => _providers.Length == 0
            ? "No git providers are configured (add \"git_auth\" to the workspace file)."
            : "The configured git providers have regex filters that do not match the git url. Provider url regexes: "
                + string.Join(',', _providers.Select(provider => $"{provider.Definition.Id}=\"{provider.Definition.Regex}\""));
}
