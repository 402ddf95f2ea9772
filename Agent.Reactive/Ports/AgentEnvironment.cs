namespace Agent.Reactive.Ports;

/// <summary>Facts about the machine the agent runs on, read once at start.</summary>
/// <param name="HomeDirectory">The user's home directory.</param>
/// <param name="GetVariable">Reads a variable of the agent's own environment.</param>
/// <param name="Version">The agent version reported in the startup request (semver with a leading v).</param>
/// <param name="Subsystem">Value of <c>CODER_AGENT_SUBSYSTEM</c>, or empty.</param>
/// <param name="LogDirectory">Where script logs are written.</param>
/// <param name="ExecutablePath">Path of the agent binary (for <c>GIT_SSH_COMMAND</c> and <c>GIT_ASKPASS</c>).</param>
/// <param name="UserName">The user the agent runs as.</param>
/// <param name="SshHostKeys">The SSH host keys as OpenSSH public-key lines, when the agent serves SSH.</param>
public sealed record AgentEnvironment(
    string HomeDirectory,
    Func<string, string?> GetVariable,
    string Version,
    string Subsystem,
    string LogDirectory,
    string ExecutablePath,
    string UserName,
    IReadOnlyList<string>? SshHostKeys = null);
