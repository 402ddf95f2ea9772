using System.CommandLine;

namespace Agent.Runtime.Cli;

/// <summary>The <c>agent</c> command and its subcommands.</summary>
public static class AgentCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        var root = new RootCommand("Workspace agent: runs inside a workspace, reports to a control plane, serves its users.");
        return await root.Parse(args).InvokeAsync();
    }
}
