using System.CommandLine;
using System.Net.WebSockets;
using Agent.Runtime.Commands.Options;
using Agent.Runtime.Relay.Dialer;
using DuplexWebSocketStream = Agent.Runtime.Relay.WebSockets.DuplexWebSocketStream;

namespace Agent.Runtime.Commands.PortForward;

/// <summary>
/// <c>agent proxy --url URL (--token T | --token-file F) --agent NAME [--port 1]</c>: joins stdin and stdout to a
/// relayed stream, for OpenSSH's <c>ProxyCommand</c>. stdin's end half-closes the stream; the stream's end exits 0
/// once stdout is flushed; any failure is one line on stderr and exit 1. Nothing but the stream's bytes goes to stdout.
/// </summary>
public static class ProxyCommand
{
    public static Command Create() => Create(Environment.GetEnvironmentVariable, Console.OpenStandardInput, Console.OpenStandardOutput);

    /// <summary>The command with the environment and the standard streams supplied by the caller (specs pass their own).</summary>
    internal static Command Create(Func<string, string?> environment, Func<Stream> standardInput, Func<Stream> standardOutput)
    {
        ArgumentNullException.ThrowIfNull(standardInput);
        ArgumentNullException.ThrowIfNull(standardOutput);
        var connection = new ClientConnectionOptions(environment);
        var agent = new Option<string?>("--agent") { Description = "Name of the agent" };
        var port = new Option<int>("--port") { Description = "Agent port: 1 SSH (default), 4 the agent's API, 9-65535 a workspace port", DefaultValueFactory = _ => 1 };
        var command = new Command("proxy", "Join stdin and stdout to a port of an agent through the control plane (for ssh's ProxyCommand).");
        connection.AddTo(command);
        command.Options.Add(agent);
        command.Options.Add(port);
        command.SetAction(async (result, cancellationToken) =>
        {
            var error = result.InvocationConfiguration.Error;
            if (!connection.TryResolve(result, out var url, out var token, out var problem))
                return await FailAsync(error, problem);
            var agentName = result.GetValue(agent);
            if (string.IsNullOrWhiteSpace(agentName))
                return await FailAsync(error, "give the agent's name with --agent");
            var targetPort = result.GetValue(port);
            if (targetPort is < 1 or > 65535)
                return await FailAsync(error, $"--port must be 1-65535, not {targetPort}");

            DuplexWebSocketStream relay;
            try
            {
                relay = await RelayDialer.ConnectAsync(url, token, agentName, targetPort, cancellationToken);
            }
            catch (RelayDialException e)
            {
                return await FailAsync(error, e.Message);
            }

            await using (relay)
            {
                using var input = standardInput();
                using var output = standardOutput();
                var failure = await PipeAsync(input, output, relay, cancellationToken);
                return failure is null ? 0 : await FailAsync(error, failure);
            }
        });
        return command;
    }

    /// <summary>
    /// Copies <paramref name="input"/> to the relay and the relay to <paramref name="output"/> until the relay ends;
    /// returns <c>null</c> then, or the reason it failed (the relay is closed with that reason).
    /// </summary>
    internal static async Task<string?> PipeAsync(Stream input, Stream output, DuplexWebSocketStream relay, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var download = StreamPump.CopyAsync(relay, output, () => Task.CompletedTask, flushEachChunk: true, stop.Token);
        var upload = StreamPump.CopyAsync(input, relay, relay.CompleteWritesAsync, flushEachChunk: false, stop.Token);
        try
        {
            if (await Task.WhenAny(download, upload) == upload)
                await upload;
            await download;
            return null;
        }
        catch (Exception e) when (e is IOException or WebSocketException or ObjectDisposedException or OperationCanceledException)
        {
            var reason = e is OperationCanceledException ? "interrupted" : e.Message;
            try
            {
                await relay.FailAsync($"client: {reason}");
            }
            catch (InvalidOperationException)
            {
                // A write is still in flight; cancelling it below aborts the WebSocket, which the peer sees too.
            }

            return reason;
        }
        finally
        {
            await stop.CancelAsync();
            Observe(upload);
            Observe(download);
        }
    }

    private static void Observe(Task task)
        => task.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);

    private static async Task<int> FailAsync(TextWriter error, string reason)
    {
        await error.WriteLineAsync($"agent proxy: {reason}");
        await error.FlushAsync();
        return 1;
    }
}
