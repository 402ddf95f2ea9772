using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// What the dashboard reads besides the per-agent API, on a real embedded control plane: the all-agents stream
/// (<c>/api/v2/workspace/events</c>), the stats of the last hour and the host keys' fingerprints (against real <c>ssh-keygen</c>).
/// </summary>
public sealed class WorkspaceEventsEndpointSpecs : IAsyncLifetime
{
    private const string Events = "api/v2/workspace/events";
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);
    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Theory]
    [InlineData(Events)]
    [InlineData("api/v2/workspaceagents/main/stats")]
    public async Task Get_NoUserToken_401(string path)
    {
        var answer = await _harness.CurlAsync(path);

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task WorkspaceEvents_ForeignOrigin_403()
    {
        var answer = await _harness.CurlAsync(Events, "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}", "-H", "Origin: http://evil.example");

        Assert.Equal(403, answer.Status);
    }

    [Theory]
    [InlineData(true, HttpStatusCode.OK)]
    [InlineData(false, HttpStatusCode.Forbidden)]
    public async Task WorkspaceEvents_SignedInByCookie_ServedOnlyToItsOwnOrigin(bool ownOrigin, HttpStatusCode expected)
    {
        var login = await _harness.CurlAsync($"login?token={ControlPlaneHarness.UserToken}", "-i");
        var cookie = Regex.Match(login.Body, "(?im)^set-cookie: (?<cookie>agent_session=[^;\r\n]+)").Groups["cookie"].Value;
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false, UseCookies = false }) { BaseAddress = _harness.Address };
        using var request = new HttpRequestMessage(HttpMethod.Get, Events);
        request.Headers.Add("Cookie", cookie);
        request.Headers.Add("Origin", ownOrigin ? $"http://{_harness.Address.Authority}" : "http://evil.example");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.StartsWith("agent_session=", cookie, StringComparison.Ordinal);
        Assert.Equal(expected, response.StatusCode);
    }

    [Fact]
    public async Task WorkspaceEvents_SnapshotSortedByNameThenTheChange()
    {
        var client = _harness.Agent();
        await client.PostLifecycleAsync(new LifecycleReport(LifecycleState.Starting, At), CancellationToken.None);
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        using var http = _harness.User();
        using var response = await http.GetAsync(Events, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var snapshot = new[] { await ReadEventAsync(reader, deadline.Token), await ReadEventAsync(reader, deadline.Token) };

        await client.PostLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At.AddSeconds(1)), CancellationToken.None);
        var change = await ReadEventAsync(reader, deadline.Token);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([("summary", "main", "starting"), ("summary", "other", "created")], snapshot.Select(Describe));
        Assert.Equal(("summary", "main", "ready"), Describe(change));
        Assert.True(change.Data.GetProperty("lifecycle_changed_at").GetDateTimeOffset() > At.AddYears(1), "the server's time, not the agent's changed_at");
        Assert.Equal(JsonValueKind.Null, snapshot[1].Data.GetProperty("lifecycle_changed_at").ValueKind);
    }

    [Fact]
    public async Task WorkspaceEvents_Idle_PingsAndEndsWhenTheServerStops()
    {
        await using var harness = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions { EventPingInterval = TimeSpan.FromMilliseconds(100) });
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        using var http = harness.User();
        using var response = await http.GetAsync(Events, HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        await ReadEventAsync(reader, deadline.Token);
        await ReadEventAsync(reader, deadline.Token);
        var next = await reader.ReadLineAsync(deadline.Token);
        while (next == string.Empty)
            next = await reader.ReadLineAsync(deadline.Token);

        await harness.Server.StopAsync().WaitAsync(deadline.Token);
        var rest = await reader.ReadToEndAsync(deadline.Token);

        Assert.Equal(": ping", next);
        Assert.DoesNotContain("event:", rest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_AfterAReport_ShowsThisMinute()
    {
        await _harness.Agent().PostStatsAsync(
            new Stats { ConnectionsByProto = new Dictionary<string, long> { ["TCP"] = 1 }, RxBytes = 1234, TxBytes = 56, SessionCountSsh = 2, ConnectionMedianLatencyMs = 1.5 },
            CancellationToken.None);

        var answer = await _harness.CurlAsync("api/v2/workspaceagents/main/stats", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");

        Assert.Equal(200, answer.Status);
        var body = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal(60, body.GetProperty("bucket_seconds").GetInt32());
        var point = Assert.Single(body.GetProperty("points").EnumerateArray());
        Assert.Equal(1234, point.GetProperty("rx_bytes").GetInt64());
        Assert.Equal(56, point.GetProperty("tx_bytes").GetInt64());
        Assert.Equal(2, point.GetProperty("session_count_ssh").GetInt32());
        Assert.Equal(0, point.GetProperty("session_count_vscode").GetInt32());
        Assert.Equal(0, point.GetProperty("session_count_jetbrains").GetInt32());
        Assert.Equal(0, point.GetProperty("session_count_reconnecting_pty").GetInt32());
        Assert.Equal(1.5, point.GetProperty("connection_median_latency_ms").GetDouble());
        var minute = point.GetProperty("at").GetDateTimeOffset();
        Assert.Equal(0, minute.Second + minute.Millisecond);
        Assert.True(DateTimeOffset.UtcNow - minute < TimeSpan.FromMinutes(2), $"{minute} is not this minute");
    }

    [Fact]
    public async Task Summary_HostKeys_FingerprintsAsSshKeygenPrintsThem()
    {
        using var directory = new TempDirectory();
        var files = new List<string>();
        foreach (var (type, bits) in new[] { ("ed25519", "256"), ("ecdsa", "384"), ("rsa", "3072") })
        {
            var file = directory.Combine($"host_{type}");
            var made = await ProcessRunner.RunAsync("ssh-keygen", ["-q", "-t", type, "-b", bits, "-N", string.Empty, "-C", $"host key {type}", "-f", file]);
            Assert.True(made.ExitCode == 0, made.Error);
            files.Add(file + ".pub");
        }

        var expected = new List<string>();
        foreach (var file in files)
        {
            var listed = await ProcessRunner.RunAsync("ssh-keygen", ["-lf", file]);
            expected.Add(listed.Text.Split(' ')[1]);
        }

        string[] lines = [.. files.Select(file => File.ReadAllText(file).Trim()), "ssh-ed25519 not-base64!"];
        await _harness.Agent().PostStartupAsync(new StartupRequest("v0.1.0", "/src", string.Empty, lines), CancellationToken.None);
        var answer = await _harness.CurlAsync("api/v2/workspaceagents/main", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");

        var summary = JsonDocument.Parse(answer.Body).RootElement;
        Assert.Equal(lines, summary.GetProperty("ssh_host_keys").EnumerateArray().Select(key => key.GetString()));
        Assert.Equal([.. expected, string.Empty], summary.GetProperty("ssh_host_key_fingerprints").EnumerateArray().Select(key => key.GetString()));
        Assert.All(expected, fingerprint => Assert.StartsWith("SHA256:", fingerprint, StringComparison.Ordinal));
    }

    private static (string Name, string? Agent, string? State) Describe((string Name, JsonElement Data) sent)
        => (sent.Name, sent.Data.GetProperty("name").GetString(), sent.Data.GetProperty("lifecycle_state").GetString());

    private static async Task<(string Name, JsonElement Data)> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        while (await reader.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && name is not null)
                return (name, JsonDocument.Parse(line["data: ".Length..]).RootElement.Clone());
        }

        throw new EndOfStreamException("the stream ended");
    }
}
