using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Relay;

/// <summary>Everything clients reach through the relay, with real processes and real peers (OpenSSH, curl, python3).</summary>
public sealed class RelayIntegrationSpecs : IClassFixture<RelayFixture>
{
    private static readonly TimeSpan Deadline = RelayFixture.Deadline;
    private readonly RelayFixture _fixture;

    public RelayIntegrationSpecs(RelayFixture fixture) => _fixture = fixture;

    private IntegrationHarness Harness => _fixture.Harness;

    [Fact]
    public async Task Ssh_ThroughTheProxy_RunsACommandWithTheHostKeyChecked()
    {
        var result = await _fixture.SshAsync("echo relayed $USER");

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal($"relayed {Environment.UserName}\n", result.Text);
    }

    [Fact]
    public async Task Ssh_ThroughTheProxy_Cat100MiBBothWaysWithMatchingHashes()
    {
        var data = RandomNumberGenerator.GetBytes(100 << 20);
        var file = Harness.Combine("payload.bin");
        await File.WriteAllBytesAsync(file, data);
        var expected = Convert.ToHexStringLower(SHA256.HashData(data));

        var down = await _fixture.SshAsync($"cat {file}", timeout: TimeSpan.FromMinutes(2));
        var up = await _fixture.SshAsync("sha256sum", data, TimeSpan.FromMinutes(2));

        Assert.True(down.ExitCode == 0, down.Error);
        Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(down.Output)));
        Assert.True(up.ExitCode == 0, up.Error);
        Assert.StartsWith(expected, up.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sftp_ThroughTheProxy_PutsAndGetsAFile()
    {
        var local = Harness.Combine("sftp-local.txt");
        var remote = Harness.Combine("sftp-remote.txt");
        var back = Harness.Combine("sftp-back.txt");
        await File.WriteAllTextAsync(local, "over the relay\n");
        var batch = Harness.Combine("sftp-batch");
        await File.WriteAllTextAsync(batch, $"put {local} {remote}\nget {remote} {back}\n");

        var result = await ProcessRunner.RunAsync("sftp", [.. _fixture.SshOptions(), "-b", batch, "agent.main"], timeout: Deadline);

        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("over the relay\n", await File.ReadAllTextAsync(back));
    }

    [Fact]
    public async Task ConfigSsh_WritesAHostEntry_ThatPlainSshUses()
    {
        var config = Harness.Combine("ssh_config");
        var knownHosts = Harness.Combine("config_known_hosts");

        var written = await _fixture.AgentAsync("config-ssh", "--ssh-config-file", config, "--known-hosts-file", knownHosts);
        var result = await ProcessRunner.RunAsync("ssh", ["-F", config, "-o", "BatchMode=yes", "agent.main", "echo configured"], timeout: Deadline);

        Assert.True(written.ExitCode == 0, written.Error + written.Text);
        Assert.True(result.ExitCode == 0, result.Error);
        Assert.Equal("configured\n", result.Text);
    }

    [Fact]
    public async Task Terminal_ThroughTheRelay_RunsAShell()
    {
        await using var terminal = await TerminalClient.ConnectAsync(Harness.Url, $"relay-{Guid.NewGuid():N}");

        await terminal.SendAsync("echo $((6 * 7))\r");

        await terminal.WaitForTextAsync("42", Deadline);
    }

    [Fact]
    public async Task Events_ATerminalOpenedThroughTheRelay_ReachesTheControlPlanesStream()
    {
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Harness.Url, "api/v2/workspaceagents/main/events"));
        request.Headers.Add("Coder-Session-Token", IntegrationHarness.UserToken);
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync());
        var lines = new ConcurrentQueue<string>();
        var reading = Task.Run(async () =>
        {
            while (await events.ReadLineAsync() is { } line)
                lines.Enqueue(line);
        });
        var ids = new List<string>();
        var terminals = new List<TerminalClient>();
        var lastOpened = DateTime.MinValue;
        try
        {
            // The control plane follows the agent's events from when the relay attaches; a terminal opened before
            // that is not seen, so another one is opened every 2 s until one shows up.
            await Eventually.WaitAsync(
                async () =>
                {
                    if (DateTime.UtcNow - lastOpened > TimeSpan.FromSeconds(2))
                    {
                        ids.Add($"watched-{Guid.NewGuid():N}");
                        terminals.Add(await TerminalClient.ConnectAsync(Harness.Url, ids[^1]));
                        lastOpened = DateTime.UtcNow;
                    }

                    return lines.Any(line => line.Contains("\"type\":\"terminal_opened\"", StringComparison.Ordinal) && ids.Any(id => line.Contains(id, StringComparison.Ordinal)));
                },
                seen => seen,
                "a terminal_opened event on the control plane's stream",
                Deadline);
        }
        finally
        {
            foreach (var terminal in terminals)
                await terminal.DisposeAsync();
        }
    }

    [Fact]
    public async Task ListeningPorts_PythonOnIPv4AndIPv6_BothShowUp()
    {
        var (v6, v6Port) = await RelayFixture.StartHttpServerAsync("::1", Harness.Home);
        var (v4, v4Port) = await RelayFixture.StartHttpServerAsync("127.0.0.1", Harness.Home);
        using (v6)
        using (v4)
        {
            var ports = await Eventually.WaitAsync(
                async () => (await Harness.GetAsync("/listening-ports")).GetProperty("ports").EnumerateArray().ToList(),
                list => list!.Any(p => p.GetProperty("port").GetInt32() == v6Port) && list!.Any(p => p.GetProperty("port").GetInt32() == v4Port),
                "both python servers to be listed",
                Deadline);

            Assert.All(
                ports.Where(p => p.GetProperty("port").GetInt32() is var port && (port == v6Port || port == v4Port)),
                p => Assert.Equal("python3", p.GetProperty("process_name").GetString()));
        }
    }

    [Fact]
    public async Task PortForward_ToAPythonServerOnIPv6Only_CurlGetsThePage()
    {
        await File.WriteAllTextAsync(Path.Join(Harness.Home, "forwarded.txt"), "forwarded page\n");
        var (python, port) = await RelayFixture.StartHttpServerAsync("::1", Harness.Home);
        var local = FreePort.Next();
        using (python)
        using (var forward = _fixture.StartAgentCommand("port-forward", "--agent", "main", "--tcp", $"{local}:{port}"))
        {
            await forward.WaitForOutputAsync($"127.0.0.1:{local}", Deadline);

            var curl = await ProcessRunner.RunAsync("curl", ["-sS", "--fail", $"http://127.0.0.1:{local}/forwarded.txt"], timeout: Deadline);

            Assert.True(curl.ExitCode == 0, curl.Error);
            Assert.Equal("forwarded page\n", curl.Text);
        }
    }

    [Fact]
    public async Task Connect_WebSocketToAPythonServer_CarriesAnHttpExchange()
    {
        var (python, port) = await RelayFixture.StartHttpServerAsync("::", Harness.Home);
        using (python)
        {
            using var socket = await ConnectAsync(port);
            await socket.SendAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "sent", CancellationToken.None);

            var response = await ReadToEndAsync(socket);

            Assert.StartsWith("HTTP/1.0 200", response, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Connect_NothingListening_CurlSeesA502WithTheReason()
    {
        var port = FreePort.Next();

        var curl = await ProcessRunner.RunAsync(
            "curl",
            ["-sS", "-i", "-H", $"Coder-Session-Token: {IntegrationHarness.UserToken}", "-H", "Connection: Upgrade", "-H", "Upgrade: websocket",
             "-H", "Sec-WebSocket-Version: 13", "-H", "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==",
             $"{Harness.Url}api/v2/workspaceagents/main/connect?port={port}"],
            timeout: Deadline);

        Assert.Contains("HTTP/1.1 502", curl.Text, StringComparison.Ordinal);
        Assert.Contains($"nothing answered on 127.0.0.1:{port}", curl.Text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("down")]
    [InlineData("up")]
    public async Task Speedtest_EachDirection_PrintsATotal(string direction)
    {
        var result = await _fixture.AgentAsync("speedtest", "--agent", "main", "--direction", direction, "--time", "1s");

        Assert.True(result.ExitCode == 0, result.Error + result.Text);
        Assert.Contains("Total", result.Text, StringComparison.Ordinal);
        Assert.Contains("Mbit/s", result.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_100ConcurrentStreams_EachEchoesItsOwnPayload()
    {
        using var echo = new TcpListener(IPAddress.Loopback, 0);
        echo.Start();
        var port = ((IPEndPoint)echo.LocalEndpoint).Port;
        using var stop = new CancellationTokenSource();
        var serving = ServeEchoAsync(echo, stop.Token);

        var results = await Task.WhenAll(Enumerable.Range(0, 100).Select(async _ =>
        {
            var payload = RandomNumberGenerator.GetBytes(64 * 1024);
            using var socket = await ConnectAsync(port);
            var sending = Task.Run(async () =>
            {
                for (var offset = 0; offset < payload.Length; offset += 8192)
                    await socket.SendAsync(payload.AsMemory(offset, 8192), WebSocketMessageType.Binary, true, CancellationToken.None);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "sent", CancellationToken.None);
            });
            var received = await ReadBytesToEndAsync(socket);
            await sending;
            return payload.AsSpan().SequenceEqual(received);
        }));

        await stop.CancelAsync();
        Assert.All(results, Assert.True);
        await serving;
    }

    [Fact]
    public async Task Stats_RelayedConnections_AreCountedByProtocolWithTraffic()
    {
        await _fixture.SshAsync("true");

        var metrics = await Eventually.WaitAsync(
            async () =>
            {
                using var socket = await ConnectAsync(4);
                await socket.SendAsync("GET /metrics HTTP/1.0\r\n\r\n"u8.ToArray(), WebSocketMessageType.Binary, true, CancellationToken.None);
                return await ReadToEndAsync(socket);
            },
            text => text!.Contains("protocol=\"ssh\"", StringComparison.Ordinal),
            "the SSH connection to be counted",
            Deadline);

        Assert.Contains(" 200 OK", metrics, StringComparison.Ordinal);
        Assert.Contains("protocol=\"http_api\"", metrics, StringComparison.Ordinal);
    }

    private static async Task ServeEchoAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        var clients = new List<Task>();
        try
        {
            while (true)
            {
                var client = await listener.AcceptTcpClientAsync(cancellationToken);
                clients.Add(Task.Run(async () =>
                {
                    using (client)
                    {
                        var stream = client.GetStream();
                        await stream.CopyToAsync(stream, cancellationToken);
                        client.Client.Shutdown(SocketShutdown.Send);
                    }
                }));
            }
        }
        catch (OperationCanceledException)
        {
            await Task.WhenAll(clients);
        }
    }

    private static async Task<string> ReadToEndAsync(ClientWebSocket socket) => Encoding.UTF8.GetString(await ReadBytesToEndAsync(socket));

    private static async Task<byte[]> ReadBytesToEndAsync(ClientWebSocket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[16384];
        using var timeout = new CancellationTokenSource(Deadline);
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, timeout.Token);
            if (result.MessageType == WebSocketMessageType.Close)
                return received.ToArray();
            received.Write(buffer, 0, result.Count);
        }
    }

    private async Task<ClientWebSocket> ConnectAsync(int port)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("Coder-Session-Token", IntegrationHarness.UserToken);
        await socket.ConnectAsync(new Uri($"ws://{Harness.Url.Authority}/api/v2/workspaceagents/main/connect?port={port}"), CancellationToken.None).WaitAsync(Deadline);
        return socket;
    }
}
