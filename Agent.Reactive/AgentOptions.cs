using Agent.Reactive.Connection;

namespace Agent.Reactive;

/// <summary>Settings of a <see cref="WorkspaceAgent"/>, every default in one place.</summary>
public sealed record AgentOptions
{
    public static AgentOptions Default { get; } = new();

    /// <summary>How the agent connects, polls and reconnects.</summary>
    public ConnectionLoopOptions Connection { get; init; } = ConnectionLoopOptions.Default;

    /// <summary>How long a graceful shutdown waits for the control plane to acknowledge the final state.</summary>
    public TimeSpan FinalReportWait { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Base tick of metadata collection; one second unless a spec shortens it.</summary>
    public TimeSpan MetadataBaseInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>File name of the startup script's log in the log directory.</summary>
    public string StartupLogFile { get; init; } = "agent-startup-script.log";

    /// <summary>File name of the shutdown script's log in the log directory.</summary>
    public string ShutdownLogFile { get; init; } = "agent-shutdown-script.log";

    /// <summary>The time zone of the scripts' cron schedules (the machine's unless a spec pins one).</summary>
    public TimeZoneInfo ScriptTimeZone { get; init; } = TimeZoneInfo.Local;
}
