using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;

namespace Agent.Reactive.Shell;

/// <summary>
/// The variables every command gets on top of the agent's own environment (Coder's <c>CreateCommand</c>,
/// reference 1.14 entries 2–11), in order: later entries win when the list is applied. <c>CODER_AGENT_URL</c>, which
/// Coder's children inherit from the agent's own environment, is set whenever the agent knows its URL (also when it
/// got it from <c>--url</c>), so the git helpers reach the control plane.
/// </summary>
public static class ShellEnvironment
{
    /// <summary>The client-sent variable that names the IDE; counted by the SSH server, never passed on.</summary>
    public const string SessionTypeVariable = "CODER_SSH_SESSION_TYPE";

    /// <summary>
    /// Builds the list. <paramref name="clientAddresses"/> are the real <c>SSH_CLIENT</c> and
    /// <c>SSH_CONNECTION</c> values; without them Coder's fixed placeholders are used.
    /// </summary>
    public static IReadOnlyList<KeyValuePair<string, string>> Build(
        Manifest manifest,
        AgentEnvironment environment,
        string agentToken,
        IReadOnlyList<KeyValuePair<string, string>>? clientEnvironment = null,
        (string Client, string Connection)? clientAddresses = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(agentToken);

        var result = new List<KeyValuePair<string, string>>(16 + (clientEnvironment?.Count ?? 0) + manifest.EnvironmentVariables.Count);
        if (clientEnvironment is not null)
        {
            foreach (var pair in clientEnvironment)
            {
                if (!string.Equals(pair.Key, SessionTypeVariable, StringComparison.Ordinal))
                    result.Add(pair);
            }
        }

        var command = environment.ShellCommand ?? ShellWords.Quote(environment.ExecutablePath.Replace('\\', '/'));
        Add(result, "CODER", "true");
        Add(result, "USER", environment.UserName);
        Add(result, "GIT_SSH_COMMAND", command + " gitssh --");
        if (environment.ControlPlaneUrl is { } url)
            Add(result, "CODER_AGENT_URL", url.AbsoluteUri);
        Add(result, "CODER_AGENT_TOKEN", agentToken);
        var (client, connection) = clientAddresses ?? ("0.0.0.0 0 0", "0.0.0.0 0 0.0.0.0 0");
        Add(result, "SSH_CLIENT", client);
        Add(result, "SSH_CONNECTION", connection);
        Add(result, "VSCODE_PROXY_URI", manifest.VsCodePortProxyUri);
        Add(result, "CS_DISABLE_GETTING_STARTED_OVERRIDE", "true");
        foreach (var pair in manifest.EnvironmentVariables)
            Add(result, pair.Key, EnvironmentExpansion.Expand(pair.Value, environment.GetVariable));
        Add(result, "GIT_ASKPASS", environment.ExecutablePath);
        return result;
    }

    private static void Add(List<KeyValuePair<string, string>> list, string name, string value)
        => list.Add(new KeyValuePair<string, string>(name, value));
}
