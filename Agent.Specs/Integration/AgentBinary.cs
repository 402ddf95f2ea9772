using System.Diagnostics;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// Finds the built <c>agent</c> (Agent.Runtime) of the same configuration as these specs and starts it with a command line
/// only: every variable the agent reads its settings from is taken out of the child's environment, so what a spec
/// gives is on its command line (as README documents it) or in a variable the spec sets on purpose.
/// </summary>
public static class AgentBinary
{
    /// <summary>The environment variables README documents as settings of the agent and its client commands.</summary>
    public static readonly IReadOnlyList<string> SettingVariables =
    [
        "AGENT_URL", "AGENT_TOKEN", "AGENT_TOKEN_FILE", "AGENT_USER_TOKEN", "AGENT_LOG_DIR", "AGENT_POLL_INTERVAL", "AGENT_DATABASE_URL",
        "CODER_AGENT_URL", "CODER_AGENT_TOKEN", "CODER_AGENT_TOKEN_FILE", "CODER_AGENT_LOG_DIR", "CODER_AGENT_SSH_MAX_TIMEOUT",
        "CODER_AGENT_DISCOVERY", "CODER_AGENT_DISCOVERY_NAME",
    ];

    private static readonly Lazy<string> Dll = new(Locate);

    public static string Path => Dll.Value;

    /// <summary>Runs <c>agent <paramref name="arguments"/></c> to completion with only <paramref name="environment"/> added to a clean environment.</summary>
    public static Task<ProcessRunner.Result> RunAsync(
        IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null, byte[]? input = null, TimeSpan? timeout = null)
    {
        var info = StartInfo([.. arguments]);
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            info.Environment[name] = value;
        return ProcessRunner.RunAsync(info, input, timeout);
    }

    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path);
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var variable in SettingVariables)
            info.Environment.Remove(variable);

        // Data directories follow the HOME a spec gives (or the spec's own XDG_DATA_HOME), never the runner's.
        info.Environment.Remove("XDG_DATA_HOME");
        return info;
    }

    /// <summary>The checkout's root folder (specs run from Agent.Specs/bin/&lt;Configuration&gt;/&lt;tfm&gt;/).</summary>
    public static string RepositoryRoot
        => new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar)).Parent!.Parent!.Parent!.Parent!.FullName;

    private static string Locate()
    {
        // The agent is built to Agent.Runtime/bin/<Configuration>/<tfm>/, next to the specs' own output.
        var specs = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var tfm = specs.Name;
        var configuration = specs.Parent!.Name;
        var root = RepositoryRoot;
        var dll = System.IO.Path.Join(root, "Agent.Runtime", "bin", configuration, tfm, "agent.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"the agent is not built at {dll}", dll);
        return dll;
    }
}
