using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Agent.Runtime.Hosting;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Connection;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Sshd.Server;
using Agent.Specs.Fakes.SshTransport;
using Agent.Specs.Utilities;
using Serilog.Events;

namespace Agent.Specs.Runtime.Sshd.Server;

/// <summary>One connection's log lines can be followed: each carries the number of its connection, in the agent's log output.</summary>
public sealed class SshConnectionScopeSpecs
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TwoConnections_ListenerAndStream_LogLinesCarryTwoDifferentConnectionIds()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("agent.log");
        var loggerFactory = AgentLogging.Create(LogFormat.Json, LogEventLevel.Debug, path);
        var connection = new SshConnectionOptions { AuthenticationMode = SshAuthenticationMode.PublicKey, LoggerFactory = loggerFactory };
        await using (var server = new SshServer(new SshServerOptions { HostKeys = [Ed25519HostKey.Generate()] }, connection, loggerFactory))
        {
            // A listener's connection and a stream's (the relay's and inetd's way), each refused for its identification line.
            var endPoint = server.Listen(new IPEndPoint(IPAddress.Loopback, 0));
            using (var client = new TcpClient())
            {
                await client.ConnectAsync(endPoint);
                await RefusedAsync(client.GetStream());
            }

            var (serverStream, clientStream) = InterceptablePipeStream.CreatePair();
            var serving = server.ServeAsync(serverStream, null, null, CancellationToken.None);
            await RefusedAsync(clientStream);
            Assert.False(await serving.WaitAsync(Bound));
            await Eventually.WaitAsync(() => server.Admission.Unauthenticated == 0, "the listener's connection to end");
        }

        loggerFactory.Dispose();
        var refusals = File.ReadAllLines(path)
            .Select(line => JsonDocument.Parse(line).RootElement)
            .Where(e => e.TryGetProperty("EventId", out var id) && id.GetProperty("Id").GetInt32() == 5200)
            .ToList();

        Assert.Equal(2, refusals.Count);
        Assert.All(refusals, e => Assert.True(e.TryGetProperty(SshConnectionScope.Property, out _), e.ToString()));
        Assert.Equal(2, refusals.Select(e => e.GetProperty(SshConnectionScope.Property).GetInt64()).Distinct().Count());
        Assert.All(refusals, e => Assert.Equal($" [ssh {e.GetProperty(SshConnectionScope.Property).GetInt64()}]", e.GetProperty("ConnectionTag").GetString()));
    }

    // Sends an SSH-1 identification line, which the server refuses, and reads until it closes.
    private static async Task RefusedAsync(Stream stream)
    {
        await stream.WriteAsync(Encoding.ASCII.GetBytes("SSH-1.5-Old\r\n"));
        await stream.FlushAsync();
        var buffer = new byte[4096];
        while (await stream.ReadAsync(buffer).AsTask().WaitAsync(Bound) > 0)
        {
        }
    }
}
