using System.Net;
using System.Net.Sockets;
using System.Text;
using Agent.Specs.Runtime.Api;

namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class HalfSentRequestsIntegrationSpecs
{
    private const int HalfSent = 1100;

    [Fact]
    public async Task Server_1100HalfSentRequestsFromAnotherAddress_UserRequestStillSucceedsAndTheyAreClosed()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        await harness.StartServerAsync("--request-headers-timeout", "2s");
        var attacker = new List<Socket>();
        try
        {
            // More than Kestrel's 1024 connections, each stalled in the middle of its request headers.
            var partial = Encoding.ASCII.GetBytes($"GET /api/v2/workspaceagents HTTP/1.1\r\nHost: 127.0.0.1:{harness.Port}\r\nX-Half: ");
            for (var i = 0; i < HalfSent; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                attacker.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                try
                {
                    await socket.ConnectAsync(IPAddress.Loopback, harness.Port);
                    await socket.SendAsync(partial);
                }
                catch (SocketException)
                {
                    // Refused or already closed by the server: that is its right.
                }
            }

            var answer = await ApiCurl.GetAsync(
                new Uri(harness.Url, "api/v2/workspaceagents/main").ToString(),
                "-H",
                $"Coder-Session-Token: {IntegrationHarness.UserToken}");

            Assert.Equal(200, answer.Status);
            Assert.Contains("\"name\":\"main\"", answer.Body, StringComparison.Ordinal);
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var closed = await Task.WhenAll(attacker.Select(socket => ClosedAsync(socket, deadline.Token)));
            Assert.Equal(HalfSent, closed.Count(c => c));
        }
        finally
        {
            foreach (var socket in attacker)
                socket.Dispose();
        }
    }

    /// <summary>Whether the server ended the connection (end of stream or reset) before the deadline.</summary>
    private static async Task<bool> ClosedAsync(Socket socket, CancellationToken deadline)
    {
        var buffer = new byte[4096];
        try
        {
            while (await socket.ReceiveAsync(buffer, deadline) > 0)
            {
                // A 408 answer may come before the end.
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
