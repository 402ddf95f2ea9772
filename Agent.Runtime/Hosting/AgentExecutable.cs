namespace Agent.Runtime.Hosting;

/// <summary>How another program (OpenSSH's ProxyCommand) starts this agent binary again.</summary>
public static class AgentExecutable
{
    /// <summary>
    /// The command line that runs this binary: its path, or — when running as <c>dotnet agent.dll</c> — the
    /// <c>agent</c> app host beside the dll, else <c>dotnet</c> with the dll. Paths with spaces are quoted.
    /// </summary>
    public static string CommandLine()
    {
        var process = Environment.ProcessPath ?? "agent";
        if (!string.Equals(Path.GetFileNameWithoutExtension(process), "dotnet", StringComparison.Ordinal))
            return Quote(process);
        var appHost = Path.Join(AppContext.BaseDirectory, OperatingSystem.IsWindows() ? "agent.exe" : "agent");
        return File.Exists(appHost) ? Quote(appHost) : $"{Quote(process)} {Quote(Path.Join(AppContext.BaseDirectory, "agent.dll"))}";
    }

    private static string Quote(string path) => path.Contains(' ', StringComparison.Ordinal) ? $"\"{path}\"" : path;
}
