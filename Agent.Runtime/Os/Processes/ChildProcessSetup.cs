using System.Collections;
using System.Collections.Frozen;

namespace Agent.Runtime.Os.Processes;

/// <summary>What every process the agent starts gets: its environment block and its working directory.</summary>
internal static class ChildProcessSetup
{
    /// <summary>
    /// The agent's own settings, which no child inherits: the URLs, tokens and token files of <c>agent run</c> and the
    /// client commands, the agent's other <c>AGENT_*</c> options, and process priority management's <c>CODER_PROC_*</c> (as Coder's wrapper drops them). Of the agent's settings a child sees only Coder's
    /// contract: <c>CODER_AGENT_URL</c> and <c>CODER_AGENT_TOKEN</c>, which the session environment sets from what the
    /// agent uses (the git helpers need both). The overrides (session environment, manifest variables) may still set any name.
    /// </summary>
    public static readonly FrozenSet<string> WithheldVariables = FrozenSet.Create(
        StringComparer.Ordinal,
        "AGENT_URL",
        "AGENT_TOKEN",
        "AGENT_TOKEN_FILE",
        "AGENT_USER_TOKEN",
        "AGENT_LOG_DIR",
        "AGENT_POLL_INTERVAL",
        "CODER_AGENT_TOKEN_FILE",
        "CODER_PROC_PRIO_MGMT",
        "CODER_PROC_OOM_SCORE",
        "CODER_PROC_NICE_SCORE");

    /// <summary>
    /// The agent's own environment without <see cref="WithheldVariables"/>, overlaid by <paramref name="overrides"/>
    /// (later entries win), as <c>NAME=value</c> strings.
    /// </summary>
    public static List<string> Environment(IReadOnlyList<KeyValuePair<string, string>> overrides)
    {
        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in System.Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!WithheldVariables.Contains(name))
                merged[name] = (string?)entry.Value ?? string.Empty;
        }

        foreach (var pair in overrides)
            merged[pair.Key] = pair.Value;

        var result = new List<string>(merged.Count);
        foreach (var pair in merged)
        {
            // A name with '=' or a NUL anywhere cannot be expressed in envp; such entries are left out.
            if (pair.Key.Length == 0 || pair.Key.Contains('=', StringComparison.Ordinal)
                || pair.Key.Contains('\0', StringComparison.Ordinal) || pair.Value.Contains('\0', StringComparison.Ordinal))
                continue;
            result.Add(pair.Key + "=" + pair.Value);
        }

        return result;
    }

    /// <summary><paramref name="requested"/> when it exists, else the home directory, else <c>/</c>.</summary>
    public static string WorkingDirectory(string? requested)
    {
        if (!string.IsNullOrEmpty(requested) && Directory.Exists(requested))
            return requested;
        var home = LoginShell.ResolveHome();
        return Directory.Exists(home) ? home : "/";
    }
}
