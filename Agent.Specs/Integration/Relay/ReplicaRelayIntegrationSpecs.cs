using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Specs.Utilities;
using Npgsql;

namespace Agent.Specs.Integration.Relay;

/// <summary>
/// Two <c>agent server</c> replicas on one private PostgreSQL, a real <c>agent run --url A,B</c> whose relay A holds:
/// OpenSSH through <c>agent proxy --url B</c> and the web terminal through B reach the agent over A, and after A dies
/// and the agent's relay moves to B, the same works through B.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ReplicaRelayIntegrationSpecs(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Ssh_ThroughTheReplicaThatDoesNotHoldTheRelay_RunsTheCommandWithItsOutputAndExitCode()
    {
        await using var replicas = await Replicas.StartAsync(postgres);

        var result = await replicas.SshThroughAsync(replicas.B, "echo through-$((40 + 2)); exit 7");

        Assert.True(7 == result.ExitCode, result.Error);
        Assert.Equal("through-42\n", result.Text);
        Assert.False(await replicas.HoldsRelayAsync(replicas.B), "B does not hold the relay: the stream went through A");
    }

    [Fact]
    public async Task Pty_ThroughTheReplicaThatDoesNotHoldTheRelay_RunsEcho()
    {
        await using var replicas = await Replicas.StartAsync(postgres);

        await using var terminal = await TerminalClient.ConnectAsync(replicas.B, Guid.NewGuid().ToString(), "bash --norc --noprofile");
        await terminal.SendAsync("echo pty-$((6 * 7))\r");

        await terminal.WaitForTextAsync("pty-42", Deadline);
    }

    [Fact]
    public async Task MaxReplicaConnections_TheHoldersPoolIsFull_ThroughBRefusedWithTheOwners503_ThenServedOnceFree()
    {
        await using var replicas = await Replicas.StartAsync(postgres, "--max-replica-connections", "1");

        var terminal = await TerminalClient.ConnectAsync(replicas.B, Guid.NewGuid().ToString(), "bash --norc --noprofile");
        await terminal.SendAsync("echo holding\r");
        await terminal.WaitForTextAsync("holding", Deadline);
        var refused = await replicas.SshThroughAsync(replicas.B, "echo refused");
        await terminal.DisposeAsync();
        var served = await Eventually.WaitAsync(
            async () => (ProcessRunner.Result?)await replicas.SshThroughAsync(replicas.B, "echo served"),
            result => result?.ExitCode == 0,
            "ssh through B once the terminal left A's replicas' pool",
            Deadline);

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("(503)", refused.Error, StringComparison.Ordinal);
        Assert.Equal("served\n", served.Text);
    }

    [Fact]
    public async Task ListeningPorts_ThroughTheReplicaThatDoesNotHoldTheRelay_AnsweredByTheAgent()
    {
        await using var replicas = await Replicas.StartAsync(postgres);

        var ports = await replicas.GetAsync(replicas.B, "/listening-ports");

        Assert.Equal(JsonValueKind.Array, ports.GetProperty("ports").ValueKind);
    }

    [Fact]
    public async Task Ssh_AfterTheHoldingReplicaDiedAndTheRelayMovedToB_ThroughBStillWorks()
    {
        await using var replicas = await Replicas.StartAsync(postgres);

        replicas.Harness.Server!.Signal("KILL");
        await Eventually.WaitAsync(() => replicas.HoldsRelayAsync(replicas.B), held => held, $"the agent's relay to move to B\n{replicas.Harness.Agent!.Output}", Deadline);
        var result = await replicas.SshThroughAsync(replicas.B, "echo moved; exit 3");
        await using var terminal = await TerminalClient.ConnectAsync(replicas.B, Guid.NewGuid().ToString(), "bash --norc --noprofile");
        await terminal.SendAsync("echo pty-moved\r");

        Assert.True(3 == result.ExitCode, result.Error);
        Assert.Equal("moved\n", result.Text);
        await terminal.WaitForTextAsync("pty-moved", Deadline);
    }

    /// <summary>Replica A (the harness's server) and B on one database, the agent on A.</summary>
    private sealed class Replicas : IAsyncDisposable
    {
        private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
        private RunningProcess? _b;
        private PostgresServer _postgres = null!;
        private string _database = string.Empty;

        private Replicas()
        {
            _http.DefaultRequestHeaders.Add("Coder-Session-Token", IntegrationHarness.UserToken);
        }

        public IntegrationHarness Harness { get; } = new();

        public Uri A => Harness.Url;

        public Uri B { get; private set; } = null!;

        public string KnownHosts => Harness.Combine("known_hosts");

        public static async Task<Replicas> StartAsync(PostgresServer postgres, params string[] optionsOfA)
        {
            var replicas = new Replicas();
            try
            {
                await replicas.StartCoreAsync(postgres, optionsOfA);
                return replicas;
            }
            catch
            {
                await replicas.DisposeAsync();
                throw;
            }
        }

        /// <summary>Whether the database records <paramref name="replica"/> (by its <c>--replica-address</c>) as the holder of the agent's relay.</summary>
        public async Task<bool> HoldsRelayAsync(Uri replica)
        {
            await using var connection = new NpgsqlConnection(_postgres.ConnectionString(_database));
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand(
                "SELECT r.address FROM agent_relays a JOIN replicas r ON r.id = a.replica WHERE a.agent = @agent", connection);
            command.Parameters.AddWithValue("agent", IntegrationHarness.AgentName);
            return await command.ExecuteScalarAsync() is string address && new Uri(address) == new Uri($"http://localhost:{replica.Port}/");
        }

        public async Task<JsonElement> GetAsync(Uri replica, string relative)
        {
            using var response = await _http.GetAsync(new Uri(replica, $"api/v2/workspaceagents/{IntegrationHarness.AgentName}{relative}"));
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {body}");
            return JsonDocument.Parse(body).RootElement.Clone();
        }

        public Task<ProcessRunner.Result> SshThroughAsync(Uri replica, string command)
        {
            var proxy = $"dotnet {AgentBinary.Path} proxy --url {replica} --token-file {Harness.Combine("user-token")} --agent {IntegrationHarness.AgentName}";
            return ProcessRunner.RunAsync(
                "ssh",
                [
                    "-F", "/dev/null",
                    "-o", $"ProxyCommand={proxy}",
                    "-o", "HostKeyAlias=agent.main",
                    "-o", $"UserKnownHostsFile={KnownHosts}",
                    "-o", "StrictHostKeyChecking=yes",
                    "-o", "BatchMode=yes",
                    "-o", "LogLevel=ERROR",
                    "agent.main",
                    command,
                ],
                null,
                Deadline);
        }

        public async ValueTask DisposeAsync()
        {
            await Harness.DisposeAsync();
            _b?.Dispose();
            _http.Dispose();
        }

        private async Task StartCoreAsync(PostgresServer postgres, string[] optionsOfA)
        {
            Harness.WriteWorkspace(new JsonObject());
            Harness.WriteTokenFile("user-token", IntegrationHarness.UserToken);
            var url = await postgres.CreateDatabaseAsync();
            var database = url.ToString();
            _postgres = postgres;
            _database = url.Database;
            // As README shows it: each replica says where its peers reach it; B takes the database from the environment.
            await Harness.StartServerAsync(["--database", database, "--replica-address", $"http://localhost:{Harness.Port}", .. optionsOfA]);
            var port = FreePort.Next();
            B = new Uri($"http://127.0.0.1:{port}/");
            var b = AgentBinary.StartInfo(["server", "--address", $"127.0.0.1:{port}", "--workspace", Harness.WorkspaceFile, "--replica-address", $"http://localhost:{port}"]);
            b.Environment["AGENT_DATABASE_URL"] = database;
            _b = RunningProcess.Start(b, "agent server B");
            await Eventually.WaitAsync(
                async () => (await _http.GetAsync(new Uri(B, $"api/v2/workspaceagents/{IntegrationHarness.AgentName}"))).IsSuccessStatusCode,
                ok => ok,
                $"agent server B to answer\n{_b.Output}");
            Harness.StartAgent("--url", $"{A},{B}");
            var summary = await Eventually.WaitAsync(
                async () => await Harness.GetAsync(string.Empty),
                s => s.GetProperty("relay").GetString() == "connected" && s.GetProperty("ssh_host_keys").GetArrayLength() > 0,
                $"the relay to connect to A\n--- agent ---\n{Harness.Agent?.Output}",
                Deadline);
            var keys = summary.GetProperty("ssh_host_keys").EnumerateArray().Select(key => $"agent.main {key.GetString()}");
            await File.WriteAllLinesAsync(KnownHosts, keys);
        }
    }
}
