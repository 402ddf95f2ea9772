using System.CommandLine;
using System.CommandLine.Parsing;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.Hosting;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Commands;

/// <summary><c>agent server</c>: runs the embedded control plane for the agents of a workspace file until interrupted.</summary>
public static class ServerCommand
{
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
        var agentTimeout = DurationOption("--agent-timeout", "an agent without an API call for this long is shown disconnected", defaults.AgentTimeout);
        var statsInterval = DurationOption("--stats-interval", "report interval answered to agents' stats reports", defaults.StatsInterval);
        var headersTimeout = DurationOption(
            "--request-headers-timeout",
            "a connection that has not sent a request's headers within this is closed",
            defaults.RequestHeadersTimeout);

        var command = new Command("server", "Run the embedded control plane: serve manifests, collect agent reports, show them to users.")
        {
            address,
            workspace,
            agentTimeout,
            statsInterval,
            headersTimeout,
        };
        command.SetAction(async (ParseResult result, CancellationToken cancellationToken) =>
        {
            var factory = loggerFactory();
            var logger = factory.CreateLogger(typeof(ServerCommand));
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
            };
            ControlPlaneServer server;
            try
            {
                server = ControlPlaneServer.Create(definition, options, factory);
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message);
                return 2;
            }

            await using (server)
            {
                try
                {
                    await server.StartAsync(cancellationToken);
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
