using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane;

/// <summary>The workspace file's checks of a manifest's <c>scripts</c> and <c>log_sources</c>.</summary>
internal static class ManifestScriptsValidation
{
    /// <summary>Throws when a log source has no id or repeats one, or a script has a negative timeout or names an unknown source.</summary>
    public static void Validate(Manifest manifest, string where)
    {
        var ids = new HashSet<Guid> { LogSources.StartupId, LogSources.ShutdownId };
        for (var i = 0; i < manifest.LogSources.Count; i++)
        {
            var source = manifest.LogSources[i];
            if (source.Id == Guid.Empty)
                throw new WorkspaceDefinitionException($"{where}: manifest.log_sources[{i}] (\"{source.DisplayName}\") needs an id (a UUID)");
            if (!ids.Add(source.Id))
                throw new WorkspaceDefinitionException($"{where}: manifest.log_sources[{i}] (\"{source.DisplayName}\") repeats the id {source.Id} (or takes one of the old scripts' fixed ids)");
        }

        for (var i = 0; i < manifest.Scripts.Count; i++)
        {
            var script = manifest.Scripts[i];
            if (script.Timeout < TimeSpan.Zero)
                throw new WorkspaceDefinitionException($"{where}: manifest.scripts[{i}] (\"{script.DisplayName}\") timeout must not be negative");
            if (script.LogSourceId != Guid.Empty && !ids.Contains(script.LogSourceId))
                throw new WorkspaceDefinitionException($"{where}: manifest.scripts[{i}] (\"{script.DisplayName}\") names the log source {script.LogSourceId}, which log_sources does not list");
        }
    }
}
