using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text.Json;

namespace Agent.Specs.Integration.Audit;

/// <summary>
/// Connection reports end to end: real <c>ssh</c>, <c>sftp</c> and <c>scp</c> against <c>agent dev</c>, and the control
/// plane's <c>GET /api/v2/workspaceagents/{name}/connections</c>.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ConnectionReportIntegrationSpecs(AuditedDevFixture fixture) : IClassFixture<AuditedDevFixture>
{
    private AuditedAgent Agent => fixture.Agent;

    [Fact]
    public async Task Exec_Exit3_ConnectAndDisconnectWithStatus3()
    {
        var marker = Guid.NewGuid().ToString("n");

        var result = await Agent.SshAsync($"echo {marker}; exit 3");

        Assert.Equal(3, result.ExitCode);
        var connection = await Agent.WaitForConnectionAsync($"exec echo {marker}; exit 3", Ended);
        Assert.Equal("ssh", connection.GetProperty("type").GetString());
        Assert.Equal(3, connection.GetProperty("status_code").GetInt32());
        Assert.Equal(Agent.Fingerprint, connection.GetProperty("who").GetString());
        Assert.Equal(Environment.UserName, connection.GetProperty("user").GetString());
        Assert.StartsWith("127.0.0.1:", connection.GetProperty("ip").GetString(), StringComparison.Ordinal);
        Assert.True(connection.GetProperty("connected_at").GetDateTimeOffset() <= connection.GetProperty("disconnected_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Exec_KilledBySignal_ReportsTheSignal()
    {
        var marker = Guid.NewGuid().ToString("n");

        await Agent.SshAsync($"echo {marker} >/dev/null; kill -TERM $$");

        var connection = await Agent.WaitForConnectionAsync($"exec echo {marker} >/dev/null; kill -TERM $$", Ended);
        Assert.Equal("TERM", connection.GetProperty("signal").GetString());
    }

    [Fact]
    public async Task SftpPutGet_FileOperationsWithBytes()
    {
        var local = Path.Join(Agent.Directory, $"up-{Guid.NewGuid():n}.bin");
        await File.WriteAllBytesAsync(local, RandomNumberGenerator.GetBytes(300_000));
        var remote = Path.Join(Agent.Directory, $"remote-{Guid.NewGuid():n}.bin");

        var result = await Agent.SftpAsync($"put {local} {remote}", $"get {remote} {local}.back", $"rename {remote} {remote}.moved", $"rm {remote}.moved");

        Assert.True(result.ExitCode == 0, result.Error);
        var connection = await Agent.WaitForConnectionAsync("subsystem sftp", c => Ended(c) && Operations(c).Any(op => op.GetProperty("path").GetString() == remote + ".moved"));
        var operations = Operations(connection);
        var written = operations.Single(op => op.GetProperty("operation").GetString() == "open-write" && op.GetProperty("path").GetString() == remote);
        Assert.Equal(300_000, written.GetProperty("bytes_written").GetInt64());
        var read = operations.Single(op => op.GetProperty("operation").GetString() == "open-read" && op.GetProperty("path").GetString() == remote);
        Assert.Equal(300_000, read.GetProperty("bytes_read").GetInt64());
        Assert.Contains(operations, op => op.GetProperty("operation").GetString() == "rename" && op.GetProperty("target").GetString() == remote + ".moved");
        Assert.Contains(operations, op => op.GetProperty("operation").GetString() == "remove" && op.GetProperty("path").GetString() == remote + ".moved");
        Assert.Equal(0, connection.GetProperty("file_operations_dropped").GetInt32());
    }

    [Fact]
    public async Task Sftp_MoreThan512Operations_KeepsTheFirst512AndStatesTheOverflow()
    {
        var directory = Path.Join(Agent.Directory, $"many-{Guid.NewGuid():n}");
        var commands = Enumerable.Range(0, 600).Select(i => $"mkdir {directory}-{i}").ToArray();

        var result = await Agent.SftpAsync(commands);

        Assert.True(result.ExitCode == 0, result.Error);
        var connection = await Agent.WaitForConnectionAsync("subsystem sftp", c => Ended(c) && Operations(c).Any(op => op.GetProperty("path").GetString() == $"{directory}-0"));
        Assert.Equal(512, Operations(connection).Length);
        Assert.Equal(88, connection.GetProperty("file_operations_dropped").GetInt32());
    }

    [Fact]
    public async Task ScpLegacyProtocol_RecordedAsAnUpload()
    {
        var local = Path.Join(Agent.Directory, $"scp-{Guid.NewGuid():n}.txt");
        await File.WriteAllTextAsync(local, "hello");
        var remote = local + ".copy";

        var result = await Agent.ScpAsync("-O", local, $"127.0.0.1:{remote}");

        Assert.True(result.ExitCode == 0, result.Error);
        var connection = await Agent.WaitForConnectionAsync($"exec scp -t {remote}", Ended);
        var operation = Assert.Single(Operations(connection));
        Assert.Equal("scp-upload", operation.GetProperty("operation").GetString());
        Assert.Equal(remote, operation.GetProperty("path").GetString());
    }

    [Fact]
    public async Task DirectTcpip_ReportedAsPortForwarding()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var accepted = Task.Run(async () =>
        {
            using var client = await listener.AcceptTcpClientAsync();
            await client.GetStream().WriteAsync("bye\n"u8.ToArray());
        });

        var result = await Agent.SshAsync(string.Empty, "-W", $"127.0.0.1:{port}");

        await accepted;
        Assert.Contains("bye", result.Text, StringComparison.Ordinal);
        var connection = await Agent.WaitForConnectionAsync($"direct-tcpip 127.0.0.1:{port}", Ended);
        Assert.Equal("port_forwarding", connection.GetProperty("type").GetString());
    }

    [Fact]
    public async Task RemoteForward_ReportedUntilTheConnectionEnds()
    {
        var port = Utilities.FreePort.Next();

        var result = await Agent.SshAsync("echo forwarded", "-o", "ExitOnForwardFailure=yes", "-R", $"127.0.0.1:{port}:127.0.0.1:9");

        Assert.True(result.ExitCode == 0, result.Error);
        var connection = await Agent.WaitForConnectionAsync($"tcpip-forward 127.0.0.1:{port}", Ended);
        Assert.Equal("the connection ended", connection.GetProperty("reason").GetString());
    }

    private static bool Ended(JsonElement connection)
        => connection.TryGetProperty("disconnected_at", out var at) && at.ValueKind == JsonValueKind.String
            && connection.TryGetProperty("connected_at", out var opened) && opened.ValueKind == JsonValueKind.String;

    private static JsonElement[] Operations(JsonElement connection) => [.. connection.GetProperty("file_operations").EnumerateArray()];
}
