namespace Agent.Reactive.Protocol;

/// <summary>
/// Names and fixed ids of the two log sources of the old <c>startup_script</c> and <c>shutdown_script</c>. Their
/// lines still go to <c>PATCH me/startup-logs</c> with <c>log_source</c> = the name, as before scripts had their
/// own sources; the ids name them among the manifest's <c>log_sources</c> (in events, the control plane's
/// <c>log-sources</c> and <c>logs?source=</c>).
/// </summary>
public static class LogSources
{
    public const string Startup = "startup";
    public const string Shutdown = "shutdown";

    /// <summary>The log source of the old <c>startup_script</c>.</summary>
    public static readonly Guid StartupId = new("00000000-0000-4000-8000-000000000001");

    /// <summary>The log source of the old <c>shutdown_script</c>.</summary>
    public static readonly Guid ShutdownId = new("00000000-0000-4000-8000-000000000002");

    /// <summary>The name a log source is stored and told under: <c>startup</c>/<c>shutdown</c> for the fixed ids, else the id.</summary>
    public static string KeyOf(Guid id)
        => id == StartupId ? Startup : id == ShutdownId ? Shutdown : id.ToString("D");
}
