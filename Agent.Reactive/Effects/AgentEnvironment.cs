namespace Agent.Reactive.Effects;

/// <summary>Facts about the machine the agent runs on, read once at start.</summary>
/// <param name="HomeDirectory">The user's home directory.</param>
/// <param name="GetVariable">Reads a variable of the agent's own environment.</param>
/// <param name="Version">The agent version reported in the startup request (semver with a leading v).</param>
/// <param name="Subsystem">Value of <c>CODER_AGENT_SUBSYSTEM</c>, or empty.</param>
/// <param name="LogDirectory">Where script logs are written.</param>
/// <param name="ExecutablePath">
/// One executable that runs the agent with the arguments it is given (<c>GIT_ASKPASS</c>, which git runs without a
/// shell): the agent binary, or a wrapper script when the agent runs as <c>dotnet agent.dll</c>.
/// </param>
/// <param name="UserName">The user the agent runs as.</param>
/// <param name="SshHostKeys">The SSH host keys as OpenSSH public-key lines, when the agent serves SSH.</param>
/// <param name="ShellCommand">
/// The agent as shell words, quoted (the start of <c>GIT_SSH_COMMAND</c>, which git runs with <c>sh -c</c>); when
/// <c>null</c>, <paramref name="ExecutablePath"/> quoted.
/// </param>
/// <param name="ControlPlaneUrl">The control plane's URL as the agent uses it (<c>CODER_AGENT_URL</c> of children), when known.</param>
public sealed record AgentEnvironment(
    string HomeDirectory,
    Func<string, string?> GetVariable,
    string Version,
    string Subsystem,
    string LogDirectory,
    string ExecutablePath,
    string UserName,
    IReadOnlyList<string>? SshHostKeys = null,
    string? ShellCommand = null,
    Uri? ControlPlaneUrl = null);
