using System.CommandLine;
using Agent.Reactive;
using Agent.Reactive.Connection;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlaneClient;
using Agent.Runtime.Hosting;
using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands;

/// <summary><c>agent run</c>: the workspace agent daemon.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var url = new Option<string?>("--url")
        {
            Description = $"Control plane URL, or several (replicas) separated by commas, tried in turn; at most {ControlPlaneEndpoints.MaxCount} (env AGENT_URL, CODER_AGENT_URL)",
        };
        var token = new Option<string?>("--token")
        {
            Description = "Agent token (env AGENT_TOKEN, CODER_AGENT_TOKEN); prefer --token-file, a command line is visible to every local user",
        };
        var tokenFile = new Option<string?>("--token-file")
        {
            Description = "Read the agent token from this file (env AGENT_TOKEN_FILE, CODER_AGENT_TOKEN_FILE; trimmed; should be private, mode 0600)",
        };
        var dataDirectory = new Option<string?>("--data-dir") { Description = "Directory for the agent's own state (default ~/.local/share/agent)" };
        var pollInterval = new Option<string?>("--poll-interval")
        {
            Description = "How often the manifest is fetched again to notice changes and a lost control plane (env AGENT_POLL_INTERVAL; default 10s)",
        };
        var logging = new LoggingOptions();
        var ssh = new SshCliOptions();
        var api = new ApiCliOptions();
        var discovery = new DiscoveryOptions();
        var command = new Command("run", "Run the workspace agent: connect to the control plane, run the scripts, report, serve SSH.")
        {
            url, token, tokenFile, dataDirectory, pollInterval,
        };
        logging.AddTo(command);
        ssh.AddTo(command);
        api.AddTo(command);
        discovery.AddTo(command);
        command.SetAction(async (result, _) =>
        {
            // A bad URL in the option or a variable is the same fault: exit 2 naming the element and where it came from.
            ControlPlaneEndpoints? controlPlane = null;
            if (EnvironmentDefaults.OptionOrFirst("--url", result.GetValue(url), "AGENT_URL", "CODER_AGENT_URL") is { } urls)
            {
                controlPlane = ControlPlaneUrl.ParseList(urls.Value, out var urlProblem);
                if (controlPlane is null)
                {
                    await Console.Error.WriteLineAsync($"agent run: {urls.Source}: {urlProblem}");
                    return 2;
                }
            }

            if (!TokenFile.TryResolve(
                result.GetValue(token),
                result.GetValue(tokenFile),
                EnvironmentDefaults.First("AGENT_TOKEN", "CODER_AGENT_TOKEN"),
                EnvironmentDefaults.First("AGENT_TOKEN_FILE", "CODER_AGENT_TOKEN_FILE"),
                out var agentToken,
                out var tokenProblem,
                out var tokenWarning))
            {
                await Console.Error.WriteLineAsync($"agent run: {tokenProblem}");
                return 2;
            }

            if (tokenWarning is not null)
                await Console.Error.WriteLineAsync($"agent run: warning: {tokenWarning}");
            if (controlPlane is null || agentToken.Length == 0)
            {
                await Console.Error.WriteLineAsync("agent run: a control plane URL and an agent token are needed (--url and --token-file or --token, or AGENT_URL and AGENT_TOKEN)");
                return 2;
            }

            var poll = EnvironmentDefaults.OptionOrFirst("--poll-interval", result.GetValue(pollInterval), "AGENT_POLL_INTERVAL");
            var interval = ConnectionLoopOptions.Default.ManifestPollInterval;
            if (poll is { } given && (!GoDuration.TryParse(given.Value, out interval) || interval <= TimeSpan.Zero))
            {
                await Console.Error.WriteLineAsync($"agent run: {given.Source} \"{given.Value}\" is not a positive duration (examples: 500ms, 10s)");
                return 2;
            }

            var options = AgentOptions.Default with { Connection = ConnectionLoopOptions.Default with { ManifestPollInterval = interval } };
            var logDirectory = logging.ResolveLogDirectory(result);
            using var loggerFactory = logging.CreateLoggerFactory(result, logDirectory);
            var data = PrivateDirectory.Ensure(result.GetValue(dataDirectory) ?? DefaultDataDirectory());
            using var sshSetup = ssh.Prepare(result, data, loggerFactory, out var sshError);
            if (sshSetup is null)
            {
                await Console.Error.WriteLineAsync($"agent run: {sshError}");
                return 2;
            }

            var apiAddress = api.Parse(result, out var apiError);
            if (apiError is not null)
            {
                await Console.Error.WriteLineAsync($"agent run: {apiError}");
                return 2;
            }

            var announced = discovery.Parse(result, result.GetValue(ssh.Addresses) ?? [], Environment.GetEnvironmentVariable, out var discoveryError);
            if (discoveryError is not null)
            {
                await Console.Error.WriteLineAsync($"agent run: {discoveryError}");
                return 2;
            }

            AgentHost.AddExecutableDirectoryToPath();
            var services = new AgentServicesOptions { Ssh = sshSetup, DataDirectory = data, ApiAddress = apiAddress, Discovery = announced };
            return await RunAgentAsync(controlPlane, agentToken, logDirectory, options, services, loggerFactory);
        });
        return command;
    }

    /// <summary>
    /// Runs an agent and its <paramref name="services"/> (SSH, terminals, the relay) until the first signal, then shuts
    /// it down gracefully (a second signal: at once); the services close after the shutdown. The agent talks to one of
    /// <paramref name="controlPlanes"/> at a time, trying them in turn.
    /// </summary>
    public static async Task<int> RunAgentAsync(
        ControlPlaneEndpoints controlPlanes,
        string token,
        string logDirectory,
        AgentOptions options,
        AgentServicesOptions services,
        ILoggerFactory loggerFactory,
        Func<Task>? onStarted = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var logger = loggerFactory.CreateLogger("Agent.Runtime.Run");
        ProcessPriorityStartup.Apply(loggerFactory);
        using var signals = new ShutdownSignals();
        using var agent = AgentHost.Create(controlPlanes, token, logDirectory, options, loggerFactory, services.Ssh.PublicKeys, services.DataDirectory);
        logger.AgentStarting(AgentHost.Version, string.Join(',', controlPlanes.All), logDirectory);
        agent.Start();
        AgentServices running;
        try
        {
            running = await AgentServices.StartAsync(agent, controlPlanes, token, services, loggerFactory);
        }
        catch (IOException e)
        {
            logger.ServicesNotStarted(e.Message);
            await agent.ShutdownAsync(signals.Hard);
            return 1;
        }

        using var stopServices = running;
        if (onStarted is not null)
            await onStarted();

        await WaitForAsync(signals.Graceful);
        logger.ShutdownSignalled(signals.FirstSignal);
        try
        {
            await agent.ShutdownAsync(signals.Hard);
            logger.ShutDown(agent.Lifecycle);
            return 0;
        }
        catch (OperationCanceledException)
        {
            logger.StoppedAtOnce(agent.Lifecycle);
            return 1;
        }
    }

    /// <summary><c>$XDG_DATA_HOME/agent</c>, or <c>~/.local/share/agent</c>.</summary>
    public static string DefaultDataDirectory()
    {
        var dataHome = EnvironmentDefaults.First("XDG_DATA_HOME")
            ?? Path.Join(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        return Path.Join(dataHome, "agent");
    }

    private static async Task WaitForAsync(CancellationToken token)
    {
        var stopped = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var registration = token.Register(() => stopped.TrySetResult());
        await stopped.Task;
    }
}
