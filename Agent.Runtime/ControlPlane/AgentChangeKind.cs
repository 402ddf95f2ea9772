namespace Agent.Runtime.ControlPlane;

/// <summary>What an <see cref="AgentChange"/> carries.</summary>
public enum AgentChangeKind
{
    /// <summary>The startup report (<see cref="AgentChange.Startup"/>), after it was stored.</summary>
    Startup,

    /// <summary>One lifecycle report (<see cref="AgentChange.Lifecycle"/>), after it was stored.</summary>
    Lifecycle,

    /// <summary>A batch of log lines (<see cref="AgentChange.LogSource"/>, <see cref="AgentChange.Logs"/>), after it was stored.</summary>
    Logs,

    /// <summary>A batch was refused for passing the limit, after that was stored.</summary>
    LogsOverflowed,

    /// <summary>A metadata result (<see cref="AgentChange.MetadataKey"/>, <see cref="AgentChange.Metadata"/>), at once.</summary>
    Metadata,

    /// <summary>The apps' health (<see cref="AgentChange.AppHealth"/>), at once.</summary>
    AppHealth,

    /// <summary>A stats window (<see cref="AgentChange.Stats"/>), at once.</summary>
    Stats,

    /// <summary>The agent called the replica (<see cref="AgentChange.At"/>): it counts as connected on every replica.</summary>
    Seen,

    /// <summary>The agent's relay on the sending replica attached, was replaced or closed (<see cref="AgentChange.Relay"/>).</summary>
    Relay,

    /// <summary>A terminal event the sending replica follows from the agent (<see cref="AgentChange.Terminal"/>).</summary>
    Terminal,

    /// <summary>Too large to send: the receiver reads the agent's stored state (only for what was stored first).</summary>
    Reload,
}
