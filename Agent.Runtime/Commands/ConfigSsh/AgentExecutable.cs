namespace Agent.Runtime.Commands.ConfigSsh;

/// <summary>The absolute path that starts this agent binary again, for the <c>ProxyCommand</c> lines of config-ssh.</summary>
public static class AgentExecutable
{
    /// <summary>
    /// <see cref="Environment.ProcessPath"/>, or, when that is the <c>dotnet</c> host (<c>dotnet agent.dll</c>), the
    /// <c>agent</c> apphost next to the dll when present, else <c>null</c> (the caller says so).
    /// </summary>
    public static string? Find()
    {
        var process = Environment.ProcessPath;
        if (string.IsNullOrEmpty(process))
            return null;
        if (Path.GetFileNameWithoutExtension(process) != "dotnet")
            return Path.GetFullPath(process);
        var apphost = Path.Join(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "agent.exe" : "agent");
        return File.Exists(apphost) ? Path.GetFullPath(apphost) : null;
    }
}
