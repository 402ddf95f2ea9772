using System.CommandLine;
using System.Net.Sockets;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.Hosting;
using Agent.Runtime.Relay.Dialer;

namespace Agent.Runtime.Commands.PortForward;

/// <summary>
/// <c>agent port-forward --url URL --token T --agent NAME --tcp [BIND:]LOCAL:REMOTE ...</c>: listens locally and relays
/// every connection to the agent's port through the control plane, until SIGINT/SIGTERM. Prints one
/// <c>Forwarding 127.0.0.1:8080 -> agent main port 8000</c> line per forward (with the actual port).
/// </summary>
public static class PortForwardCommand
{
    /// <summary>Connections open at once over all forwards; more wait to be accepted.</summary>
    public const int MaxConnections = 256;

    private static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    public static Command Create() => Create(Environment.GetEnvironmentVariable, handleSignals: true);

    /// <summary>
    /// The command with the environment read through <paramref name="environment"/>; without
    /// <paramref name="handleSignals"/> only the invocation's cancellation token stops it (specs).
    /// </summary>
    internal static Command Create(Func<string, string?> environment, bool handleSignals)
    {
        var connection = new ClientConnectionOptions(environment);
        var agent = new Option<string?>("--agent") { Description = "Name of the agent" };
        var tcp = new Option<string[]>("--tcp")
        {
            Description = "[BIND:]LOCAL:REMOTE: listen on BIND (default 127.0.0.1) port LOCAL (0 picks one), relay to agent port REMOTE (repeatable)",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("port-forward", "Forward local TCP ports to ports of an agent through the control plane.");
        connection.AddTo(command);
        command.Options.Add(agent);
        command.Options.Add(tcp);
        command.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = TextWriter.Synchronized(result.InvocationConfiguration.Error);
            if (!connection.TryResolve(result, out var url, out var token, out var problem))
                return Fail(error, problem);
            var agentName = result.GetValue(agent);
            if (string.IsNullOrWhiteSpace(agentName))
                return Fail(error, "give the agent's name with --agent");
            var forwards = new List<TcpForward>();
            foreach (var text in result.GetValue(tcp) ?? [])
            {
                if (!TcpForward.TryParse(text, out var forward, out var parseError))
                    return Fail(error, parseError);
                forwards.Add(forward);
            }

            if (forwards.Count == 0)
                return Fail(error, "give at least one --tcp [BIND:]LOCAL:REMOTE");

            using var signals = handleSignals ? new ShutdownSignals() : null;
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, signals?.Graceful ?? CancellationToken.None);

            // Not disposed: a connection that outlives the drain still releases its slot.
            var slots = new SemaphoreSlim(MaxConnections, MaxConnections);
            var forwarders = new List<PortForwarder>();
            try
            {
                foreach (var forward in forwards)
                {
                    try
                    {
                        forwarders.Add(PortForwarder.Listen(
                            forward, agentName, (port, ct) => RelayDialer.ConnectAsync(url, token, agentName, port, ct), slots, error));
                    }
                    catch (SocketException e)
                    {
                        return Fail(error, $"cannot listen on {forward.Local}: {e.Message}");
                    }
                }

                foreach (var forwarder in forwarders)
                    await output.WriteLineAsync($"Forwarding {forwarder.Description}");
                await output.FlushAsync(CancellationToken.None);

                await Task.WhenAll(forwarders.Select(forwarder => forwarder.RunAsync(stop.Token)));
                await DrainAsync(slots);
                return 0;
            }
            finally
            {
                foreach (var forwarder in forwarders)
                    forwarder.Dispose();
            }
        });
        return command;
    }

    // Waits (bounded) for the open connections, which end with the cancelled token, to give back their slots.
    private static async Task DrainAsync(SemaphoreSlim slots)
    {
        using var deadline = new CancellationTokenSource(DrainTimeout);
        try
        {
            for (var i = 0; i < MaxConnections; i++)
                await slots.WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            // A connection did not end in time; the process exits anyway.
        }
    }

    private static int Fail(TextWriter error, string reason)
    {
        error.WriteLine($"agent port-forward: {reason}");
        error.Flush();
        return 1;
    }
}
