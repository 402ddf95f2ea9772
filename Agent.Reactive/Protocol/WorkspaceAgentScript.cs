using System.Text.Json.Serialization;

namespace Agent.Reactive.Protocol;

/// <summary>
/// One script of the manifest (Coder's later <c>codersdk.WorkspaceAgentScript</c>): run when the agent starts,
/// when it stops and/or on a <see cref="Cron"/> schedule, its output going to <see cref="LogPath"/> and to the log
/// source <see cref="LogSourceId"/>.
/// </summary>
public sealed record WorkspaceAgentScript
{
    [JsonPropertyName("log_source_id")]
    public Guid LogSourceId { get; init; }

    /// <summary>The log file, relative to the log directory (or absolute); empty: a name made from the log source id.</summary>
    [JsonPropertyName("log_path")]
    public string LogPath { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("script")]
    public string Script { get; init => field = value ?? string.Empty; } = string.Empty;

    /// <summary>Six fields, seconds first (the day of the week may be left out); empty: no schedule.</summary>
    [JsonPropertyName("cron")]
    public string Cron { get; init => field = value ?? string.Empty; } = string.Empty;

    [JsonPropertyName("run_on_start")]
    public bool RunOnStart { get; init; }

    [JsonPropertyName("run_on_stop")]
    public bool RunOnStop { get; init; }

    /// <summary>SSH and terminal sessions that start while this script runs (at start) wait for it.</summary>
    [JsonPropertyName("start_blocks_login")]
    public bool StartBlocksLogin { get; init; }

    /// <summary>Zero: none.</summary>
    [JsonPropertyName("timeout")]
    [JsonConverter(typeof(NanosecondsConverter))]
    public TimeSpan Timeout { get; init; }

    [JsonPropertyName("display_name")]
    public string DisplayName { get; init => field = value ?? string.Empty; } = string.Empty;
}
