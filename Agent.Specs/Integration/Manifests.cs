using System.Text.Json.Nodes;

namespace Agent.Specs.Integration;

/// <summary>Wire manifests for the integration specs.</summary>
public static class Manifests
{
    public static long Nanoseconds(TimeSpan duration) => duration.Ticks * 100;

    public static JsonObject With(
        string startupScript = "",
        TimeSpan? startupTimeout = null,
        string shutdownScript = "",
        TimeSpan? shutdownTimeout = null,
        string directory = "",
        JsonArray? metadata = null,
        JsonArray? apps = null,
        int gitAuthConfigs = 0)
        => new()
        {
            ["startup_script"] = startupScript,
            ["startup_script_timeout"] = Nanoseconds(startupTimeout ?? TimeSpan.FromMinutes(1)),
            ["shutdown_script"] = shutdownScript,
            ["shutdown_script_timeout"] = Nanoseconds(shutdownTimeout ?? TimeSpan.FromMinutes(1)),
            ["directory"] = directory,
            ["metadata"] = metadata ?? [],
            ["apps"] = apps ?? [],
            ["git_auth_configs"] = gitAuthConfigs,
            ["environment_variables"] = new JsonObject(),
        };

    public static JsonObject Metadata(string key, string script, long interval, long timeout = 0)
        => new() { ["key"] = key, ["display_name"] = key, ["script"] = script, ["interval"] = interval, ["timeout"] = timeout };
}
