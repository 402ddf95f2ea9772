using Agent.Reactive.Protocol;

namespace Agent.Reactive.Scripts;

/// <summary>
/// Where a script's lines go: <c>PATCH me/logs</c> with <see cref="Id"/>, or, for the old startup and shutdown scripts
/// (<see cref="Legacy"/>) and on a control plane without <c>me/logs</c>, <c>PATCH me/startup-logs</c> with
/// <see cref="LegacySource"/>. <see cref="Name"/> is what the lines are told under (<see cref="Monitoring.LogLine.Source"/>).
/// </summary>
/// <param name="Id">The log source id.</param>
/// <param name="Name">The log source's display name; <c>startup</c>/<c>shutdown</c> for the old scripts.</param>
/// <param name="LegacySource"><c>startup</c> or <c>shutdown</c>.</param>
/// <param name="Legacy">Whether this is the source of the old <c>startup_script</c>/<c>shutdown_script</c>.</param>
public sealed record ScriptLogTarget(Guid Id, string Name, string LegacySource, bool Legacy)
{
    /// <summary>The id told with each line: null for the old sources (their name names them).</summary>
    public string? ToldId => Legacy ? null : Id.ToString("D");

    /// <summary>The source of the old script of that name (<see cref="LogSources.Startup"/> or <see cref="LogSources.Shutdown"/>).</summary>
    public static ScriptLogTarget Old(string source)
        => new(source == LogSources.Shutdown ? LogSources.ShutdownId : LogSources.StartupId, source, source, Legacy: true);
}
