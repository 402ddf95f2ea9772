using System.Diagnostics;

namespace Agent.Specs.Integration;

/// <summary>Finds the built <c>agent</c> (Agent.Runtime) of the same configuration as these specs.</summary>
public static class AgentBinary
{
    private static readonly Lazy<string> Dll = new(Locate);

    public static string Path => Dll.Value;

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
