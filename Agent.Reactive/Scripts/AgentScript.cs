using Agent.Reactive.Protocol;

namespace Agent.Reactive.Scripts;

/// <summary>A script of the manifest ready to run: what it is, where its lines go and its log file.</summary>
/// <param name="Script">The manifest's script (the old startup and shutdown scripts as one each).</param>
/// <param name="Target">Its log source.</param>
/// <param name="LogFile">Its log file, relative to the log directory (or absolute).</param>
public sealed record AgentScript(WorkspaceAgentScript Script, ScriptLogTarget Target, string LogFile)
{
    /// <summary>
    /// The scripts of <paramref name="manifest"/>: the old <c>startup_script</c> (run on start, log source
    /// <see cref="LogSources.StartupId"/>, <paramref name="startupLogFile"/>) and <c>shutdown_script</c> (run on stop,
    /// <see cref="LogSources.ShutdownId"/>, <paramref name="shutdownLogFile"/>) when set, then every one of
    /// <c>scripts</c> with text. A script names its source by the manifest's <c>log_sources</c> display name (else its
    /// own, else the id); one without a source id logs as the old startup (or, run only on stop, shutdown) script;
    /// one without a <c>log_path</c> logs to <c>coder-script-ID.log</c>.
    /// </summary>
    public static IReadOnlyList<AgentScript> From(Manifest manifest, string startupLogFile, string shutdownLogFile)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        var scripts = new List<AgentScript>();
        if (!string.IsNullOrWhiteSpace(manifest.StartupScript))
        {
            scripts.Add(new AgentScript(
                new WorkspaceAgentScript { Script = manifest.StartupScript, RunOnStart = true, Timeout = manifest.StartupScriptTimeout, LogSourceId = LogSources.StartupId, DisplayName = LogSources.Startup },
                ScriptLogTarget.Old(LogSources.Startup),
                startupLogFile));
        }

        if (!string.IsNullOrWhiteSpace(manifest.ShutdownScript))
        {
            scripts.Add(new AgentScript(
                new WorkspaceAgentScript { Script = manifest.ShutdownScript, RunOnStop = true, Timeout = manifest.ShutdownScriptTimeout, LogSourceId = LogSources.ShutdownId, DisplayName = LogSources.Shutdown },
                ScriptLogTarget.Old(LogSources.Shutdown),
                shutdownLogFile));
        }

        foreach (var script in manifest.Scripts.Where(s => !string.IsNullOrWhiteSpace(s.Script)))
        {
            var oldSource = script.RunOnStop && !script.RunOnStart ? LogSources.Shutdown : LogSources.Startup;
            var target = script.LogSourceId == Guid.Empty
                ? ScriptLogTarget.Old(oldSource)
                : new ScriptLogTarget(script.LogSourceId, NameOf(manifest, script), oldSource, Legacy: false);
            var logFile = script.LogPath.Length > 0 ? script.LogPath : $"coder-script-{target.Id:D}.log";
            scripts.Add(new AgentScript(script, target, logFile));
        }

        return scripts;
    }

    private static string NameOf(Manifest manifest, WorkspaceAgentScript script)
    {
        var source = manifest.LogSources.FirstOrDefault(s => s.Id == script.LogSourceId);
        if (!string.IsNullOrWhiteSpace(source?.DisplayName))
            return source.DisplayName;
        return string.IsNullOrWhiteSpace(script.DisplayName) ? script.LogSourceId.ToString("D") : script.DisplayName;
    }
}
