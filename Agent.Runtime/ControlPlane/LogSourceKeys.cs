using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The names logs are kept under (<c>agent_logs.source</c>): <c>startup</c> and <c>shutdown</c> for the old scripts'
/// sources, else the log source id (<see cref="LogSources.KeyOf"/>), and the sources an agent may send lines to.
/// </summary>
internal static class LogSourceKeys
{
    /// <summary>Whether <paramref name="source"/> is a name logs can be kept under.</summary>
    public static bool IsKey(string source)
        => source is LogSources.Startup or LogSources.Shutdown
            || (Guid.TryParseExact(source, "D", out var id) && LogSources.KeyOf(id) == source);

    /// <summary>
    /// The log sources of <paramref name="manifest"/> an agent may send lines to: its <c>log_sources</c>, and the
    /// old scripts' sources (fixed ids) always.
    /// </summary>
    public static IReadOnlyList<WorkspaceAgentLogSource> Of(Manifest manifest)
    {
        var sources = new List<WorkspaceAgentLogSource>
        {
            new() { Id = LogSources.StartupId, DisplayName = "Startup Script" },
            new() { Id = LogSources.ShutdownId, DisplayName = "Shutdown Script" },
        };
        sources.AddRange(manifest.LogSources.Where(source => source.Id != Guid.Empty && sources.TrueForAll(known => known.Id != source.Id)));
        return sources;
    }
}
