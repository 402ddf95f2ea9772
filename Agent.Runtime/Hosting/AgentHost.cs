using System.Reactive.Concurrency;
using System.Reflection;
using System.Runtime.InteropServices;
using Agent.Reactive;
using Agent.Reactive.Effects;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Hosting.Effects;
using Agent.Runtime.Os.Processes;
using Agent.Runtime.Os.Resources;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Hosting;

/// <summary>The composition root of a workspace agent: real ports, real clock.</summary>
public static class AgentHost
{
    /// <summary>
    /// HTTP connections the agent keeps to its control plane (its relay is apart), well inside the server's share per
    /// agent token (<c>--max-connections-per-agent</c>, default 8): the relay, a replaced relay and git helpers fit beside them.
    /// </summary>
    public const int ControlPlaneConnections = 4;

    /// <summary>Timeout of every call to the control plane (Coder uses the same).</summary>
    public static readonly TimeSpan ControlPlaneTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The agent's version as the startup report carries it (<c>v</c> + semver).</summary>
    public static string Version { get; } = ReadVersion();

    /// <summary>
    /// Creates (not starts) an agent that talks to one of <paramref name="controlPlanes"/> at a time with
    /// <paramref name="token"/>, trying them in turn; its children get the first one as <c>CODER_AGENT_URL</c>, and under
    /// <c>dotnet</c> the git askpass wrapper is written in <paramref name="dataDirectory"/> (<see cref="AgentLauncher"/>).
    /// </summary>
    public static WorkspaceAgent Create(
        ControlPlaneEndpoints controlPlanes,
        string token,
        string logDirectory,
        AgentOptions options,
        ILoggerFactory loggerFactory,
        IReadOnlyList<string>? sshHostKeys = null,
        string? dataDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(controlPlanes);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var http = TokenHttpClient.Create(TimeSpan.FromSeconds(10), ControlPlaneTimeout, maxConnectionsPerServer: ControlPlaneConnections);
        var environment = Environment(logDirectory, dataDirectory, out var launcherProblem) with
        {
            SshHostKeys = sshHostKeys,
            ControlPlaneUrl = controlPlanes.First,
        };
        if (launcherProblem is not null)
            loggerFactory.CreateLogger("Agent.Runtime.Run").LauncherProblem(launcherProblem);
        var ports = new AgentEffects(
            new HttpControlPlaneClient(http, controlPlanes, token, loggerFactory.CreateLogger<HttpControlPlaneClient>()),
            new ShellProcessLauncher(loggerFactory.CreateLogger<ShellProcessLauncher>()),
            new HttpProbe(),
            new WorkspaceFiles(environment.HomeDirectory, environment.GetVariable, loggerFactory.CreateLogger<WorkspaceFiles>()),
            controlPlanes,
            new ResourceSampler());
        return new WorkspaceAgent(ports, environment, options, DefaultScheduler.Instance, loggerFactory);
    }

    /// <summary>Reads the facts of this machine that the agent reports and passes to sessions.</summary>
    public static AgentEnvironment Environment(string logDirectory) => Environment(logDirectory, null, out _);

    /// <summary>
    /// Reads the facts of this machine that the agent reports and passes to sessions; <paramref name="dataDirectory"/>
    /// holds the git askpass wrapper under <c>dotnet</c>, and <paramref name="launcherProblem"/> says when it could not.
    /// </summary>
    public static AgentEnvironment Environment(string logDirectory, string? dataDirectory, out string? launcherProblem)
    {
        var home = System.Environment.GetEnvironmentVariable("HOME");
        if (string.IsNullOrEmpty(home))
            home = System.Environment.GetFolderPath(System.Environment.SpecialFolder.UserProfile);
        var (executable, shellCommand) = AgentLauncher.Resolve(dataDirectory, out launcherProblem);
        return new AgentEnvironment(
            home,
            System.Environment.GetEnvironmentVariable,
            Version,
            System.Environment.GetEnvironmentVariable("CODER_AGENT_SUBSYSTEM") ?? string.Empty,
            logDirectory,
            executable,
            System.Environment.UserName,
            ShellCommand: shellCommand);
    }

    /// <summary>Sessions can call the agent binary by name, as Coder's can call <c>coder</c>.</summary>
    public static void AddExecutableDirectoryToPath()
    {
        var directory = Path.GetDirectoryName(System.Environment.ProcessPath);
        if (directory is null || !RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
            return;
        var path = System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        if (!path.Split(':').Contains(directory, StringComparer.Ordinal))
            System.Environment.SetEnvironmentVariable("PATH", path.Length == 0 ? directory : path + ":" + directory);
    }

    private static string ReadVersion()
    {
        var informational = typeof(AgentHost).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = informational.IndexOf('+', StringComparison.Ordinal);
        return "v" + (plus < 0 ? informational : informational[..plus]);
    }
}
