using System.CommandLine;
using System.CommandLine.Parsing;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.ControlPlane.Persistence;
using Agent.Runtime.Hosting;
using Agent.Runtime.Os.Interop;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands;

/// <summary>
/// <c>agent server</c>: runs the embedded control plane for the agents of a workspace file until interrupted, with its
/// state in a database (by default SQLite in its data directory).
/// </summary>
public static class ServerCommand
{
    /// <summary>The data directory when <c>--data-dir</c> is not given: <c>$XDG_DATA_HOME/agent/server</c>, else <c>~/.local/share/agent/server</c>.</summary>
    public static string DefaultDataDirectory() => Path.Join(RunCommand.DefaultDataDirectory(), "server");

    public static Command Create(Func<ILoggerFactory> loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var defaults = new ControlPlaneOptions();
        var address = new Option<string>("--address")
        {
            Description = "host:port to listen on (port 0 picks a free port)",
            DefaultValueFactory = _ => defaults.Address,
        };
        var workspace = new Option<FileInfo>("--workspace")
        {
            Description = "workspace file: user tokens and agents (name, token, manifest)",
            Required = true,
        };
        var dataDirectory = new Option<string?>("--data-dir")
        {
            Description = $"Directory of the control plane's state: the SQLite database {DatabaseCliOptions.DefaultFile} unless --database says otherwise (default $XDG_DATA_HOME/agent/server, else ~/.local/share/agent/server)",
        };
        var replicaAddress = new Option<Uri?>("--replica-address")
        {
            Description = "http://host:port where the other replicas of this database reach this one (default: the address it listens on)",
            CustomParser = ParseReplicaAddress,
        };
        var database = new DatabaseCliOptions();
        var agentTimeout = DurationOption("--agent-timeout", "an agent without an API call for this long is shown disconnected", defaults.AgentTimeout);
        var statsInterval = DurationOption("--stats-interval", "report interval answered to agents' stats reports", defaults.StatsInterval);
        var flushInterval = DurationOption(
            "--flush-interval",
            "metadata, app health, stats and last-seen times wait this long to be written to the database, newest per key (events show them at once)",
            defaults.FlushInterval);
        var headersTimeout = DurationOption(
            "--request-headers-timeout",
            "a connection that has not sent a request's headers within this is closed",
            defaults.RequestHeadersTimeout);
        var agentConnections = new Option<int>("--max-agent-connections")
        {
            Description = "connections all agents may hold together (relays and HTTP); users have their own pool",
            DefaultValueFactory = _ => defaults.MaxAgentConnections,
        };
        var connectionsPerAgent = new Option<int>("--max-connections-per-agent")
        {
            Description = "connections one agent token may hold (its relay and HTTP); more are answered 503 and closed",
            DefaultValueFactory = _ => defaults.MaxConnectionsPerAgent,
        };
        var replicaConnections = new Option<int>("--max-replica-connections")
        {
            Description = "connections the other replicas of the database may hold together (one per stream they forward to an agent whose relay is here)",
            DefaultValueFactory = _ => defaults.MaxReplicaConnections,
        };

        var command = new Command("server", "Run the embedded control plane: serve manifests, collect agent reports, show them to users.")
        {
            address,
            workspace,
            agentTimeout,
            statsInterval,
            headersTimeout,
            flushInterval,
            agentConnections,
            connectionsPerAgent,
            replicaConnections,
            dataDirectory,
            replicaAddress,
        };
        database.AddTo(command);
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var factory = loggerFactory();
            var logger = factory.CreateLogger(typeof(ServerCommand));
            RaiseDescriptorLimit(logger);
            WorkspaceDefinition definition;
            try
            {
                definition = WorkspaceDefinition.Load(result.GetValue(workspace)!.FullName);
            }
            catch (WorkspaceDefinitionException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            var options = defaults with
            {
                Address = result.GetValue(address)!,
                AgentTimeout = result.GetValue(agentTimeout),
                StatsInterval = result.GetValue(statsInterval),
                RequestHeadersTimeout = result.GetValue(headersTimeout),
                FlushInterval = result.GetValue(flushInterval),
                MaxAgentConnections = result.GetValue(agentConnections),
                MaxConnectionsPerAgent = result.GetValue(connectionsPerAgent),
                MaxReplicaConnections = result.GetValue(replicaConnections),
            };
            try
            {
                options.Validate();
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            var (controlPlane, exitCode) = await database.OpenAsync(
                result, result.GetValue(dataDirectory) ?? DefaultDataDirectory(), "server", definition, options, factory, cancellationToken);
            if (controlPlane is null)
                return exitCode;

            await using (controlPlane)
            {
                var server = controlPlane.Server;
                try
                {
                    await controlPlane.StartAsync(result.GetValue(replicaAddress), cancellationToken);
                }
                catch (ControlPlaneDatabaseException ex)
                {
                    await Console.Error.WriteLineAsync($"agent server: {ex.Message}");
                    return 1;
                }
                catch (IOException ex)
                {
                    logger.ControlPlaneCannotListen(options.Address, ex.Message);
                    return 1;
                }

                using var signals = new ShutdownSignals();
                using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals.Graceful);
                try
                {
                    await Task.Delay(Timeout.Infinite, stop.Token);
                }
                catch (OperationCanceledException)
                {
                    logger.ControlPlaneStopping();
                }

                await server.StopAsync();
            }

            return 0;
        });
        return command;
    }

    private static void RaiseDescriptorLimit(ILogger logger)
    {
        var outcome = DescriptorLimit.RaiseSoftToHard();
        if (outcome.Error is not null)
            logger.DescriptorLimitNotRaised(outcome.Before, outcome.Error);
        else if (outcome.Raised)
            logger.DescriptorLimitRaised(outcome.Before, outcome.After);
    }

    private static Uri? ParseReplicaAddress(ArgumentResult argument)
    {
        var text = argument.Tokens.Count == 1 ? argument.Tokens[0].Value : string.Empty;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/" && uri.Query.Length == 0 && uri.UserInfo.Length == 0)
            return uri;
        argument.AddError($"--replica-address must be http://host:port or https://host:port, not \"{text}\"");
        return null;
    }

    private static Option<TimeSpan> DurationOption(string name, string description, TimeSpan defaultValue)
        => new(name)
        {
            Description = $"{description} (Go duration: 300ms, 30s, 1m)",
            DefaultValueFactory = _ => defaultValue,
            CustomParser = Parse,
        };

    private static TimeSpan Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : string.Empty;
        if (GoDuration.TryParse(text, out var duration) && duration > TimeSpan.Zero)
            return duration;
        result.AddError($"{result.Argument.Name}: \"{text}\" is not a positive duration such as 300ms, 30s or 1m");
        return default;
    }
}
