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

    private static string Locate()
    {
        // Specs run from Agent.Specs/bin/<Configuration>/<tfm>/; the agent is built to Agent.Runtime/bin/<Configuration>/<tfm>/.
        var specs = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(System.IO.Path.DirectorySeparatorChar));
        var tfm = specs.Name;
        var configuration = specs.Parent!.Name;
        var root = specs.Parent.Parent!.Parent!.Parent!.FullName;
        var dll = System.IO.Path.Join(root, "Agent.Runtime", "bin", configuration, tfm, "agent.dll");
        if (!File.Exists(dll))
            throw new FileNotFoundException($"the agent is not built at {dll}", dll);
        return dll;
    }
}
