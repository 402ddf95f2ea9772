using System.Net;
using System.Net.Sockets;
using System.Text;
using Agent.Specs.Runtime.Api;

namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class ConnectionBudgetsIntegrationSpecs
{
    /// <summary>More than the 1,024 connections Kestrel allowed for everyone before agents and people had budgets.</summary>
    private const int Held = 1300;

    /// <summary><c>agent server</c>'s default <c>--max-connections-per-agent</c>.</summary>
    private const int PerAgent = 8;

    [Fact]
    public async Task Server_OneAgentTokenHolds1300KeepAliveConnections_UserStillGetsInAndTheTokenKeepsItsShare()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        var server = await harness.StartServerAsync();
        var held = new List<Socket>();
        try
        {
            var request = Encoding.ASCII.GetBytes(
                $"GET /api/v2/workspaceagents/me/manifest HTTP/1.1\r\nHost: 127.0.0.1:{harness.Port}\r\nCoder-Session-Token: {harness.AgentToken}\r\n\r\n");
            var statuses = new List<string>();
            for (var i = 0; i < Held; i++)
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                held.Add(socket);
                socket.Bind(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
                statuses.Add(await RequestAsync(socket, harness.Port, request));
            }

            var answer = await ApiCurl.GetAsync(
                new Uri(harness.Url, "api/v2/workspaceagents").ToString(),
                "-H",
                $"Coder-Session-Token: {IntegrationHarness.UserToken}");

            Assert.Equal(200, answer.Status);
            Assert.Contains("\"name\":\"main\"", answer.Body, StringComparison.Ordinal);
            Assert.Equal(PerAgent, statuses.Count(s => s == "200"));
            Assert.Equal(Held - PerAgent, statuses.Count(s => s == "503 closed"));
            var refusalLines = server.Output.Split('\n').Count(line =>
                line.Contains("refused", StringComparison.OrdinalIgnoreCase) || line.Contains("rejected", StringComparison.OrdinalIgnoreCase));
            Assert.InRange(refusalLines, 1, 2);
        }
        finally
        {
            foreach (var socket in held)
                socket.Dispose();
        }
    }

    /// <summary>
    /// Sends one request and reads its answer's head: "200" (the connection stays open), "503 closed" (503 with
    /// Retry-After, then the server closed the connection), or what else came ("none" when refused outright).
    /// </summary>
    private static async Task<string> RequestAsync(Socket socket, int port, byte[] request)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var received = new StringBuilder();
        var buffer = new byte[8192];
        try
        {
            await socket.ConnectAsync(IPAddress.Loopback, port, deadline.Token);
            await socket.SendAsync(request, deadline.Token);
            int read;
            while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && (read = await socket.ReceiveAsync(buffer, deadline.Token)) > 0)
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            var head = received.ToString();
            if (head.StartsWith("HTTP/1.1 200", StringComparison.Ordinal))
                return "200";
            if (!head.StartsWith("HTTP/1.1 503", StringComparison.Ordinal) || !head.Contains("Retry-After: 5", StringComparison.OrdinalIgnoreCase))
                return head.Length == 0 ? "none" : head;
            while (await socket.ReceiveAsync(buffer, deadline.Token) > 0)
            {
                // The error body, then the end of the stream.
            }

            return "503 closed";
        }
        catch (SocketException)
        {
            return "none";
        }
        catch (OperationCanceledException)
        {
            return received.Length == 0 ? "timed out" : received.ToString();
        }
    }
}
