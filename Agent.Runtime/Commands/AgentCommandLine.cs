using System.CommandLine;
using Agent.Runtime.Commands.ConfigSsh;
using Agent.Runtime.Commands.Git;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Commands.PortForward;
using Agent.Runtime.Hosting;
using Agent.Runtime.Relay.Dialer;
using Serilog.Events;

namespace Agent.Runtime.Commands;

/// <summary>The <c>agent</c> command and its subcommands.</summary>
public static class AgentCommandLine
{
    public static RootCommand Create()
        => new("Workspace agent: runs inside a workspace, reports to a control plane, serves the people who use it.")
        {
            RunCommand.Create(),
            ServerCommand.Create(() => AgentLogging.Create(LogFormat.Human, LogEventLevel.Information, logFile: null)),
            DevCommand.Create(),
            MonitorCommand.Create(),
            SftpServerCommand.Create(),
            SshServerCommand.Create(),
            ProxyCommand.Create(),
            PortForwardCommand.Create(),
            ConfigSshCommand.Create(),
            GitSshCommand.Create(),
            DiscoverCommand.Create(),
            SpeedtestCommand.Create(async (url, token, agent, port, cancellationToken) => await RelayDialer.ConnectAsync(url, token, agent, port, cancellationToken)),
        };

    /// <summary>
    /// Runs the command line. Signals are handled by the commands themselves (<see cref="ShutdownSignals"/>):
    /// a graceful shutdown can take longer than System.CommandLine's termination timeout, so that is off. A single
    /// argument that is git's credential prompt runs the askpass mode (<see cref="GitAskPassMode"/>) instead.
    /// </summary>
    public static Task<int> RunAsync(string[] args)
        => Git.AskPassPrompt.IsPrompt(args)
            ? GitAskPassMode.RunAsync(args[0], Environment.GetEnvironmentVariable, Console.Out, Console.Error, CancellationToken.None)
            : Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
}
