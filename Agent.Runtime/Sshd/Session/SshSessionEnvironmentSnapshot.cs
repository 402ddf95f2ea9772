using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.Sshd.Session;

/// <summary>What a session needs to build its environment, as of the moment it starts.</summary>
/// <param name="Manifest">The current manifest (directory, variables, MOTD file).</param>
/// <param name="Environment">Facts about the agent's machine and user.</param>
/// <param name="AgentToken">The agent's token (<c>CODER_AGENT_TOKEN</c>).</param>
public sealed record SshSessionEnvironmentSnapshot(Manifest Manifest, AgentEnvironment Environment, string AgentToken);
