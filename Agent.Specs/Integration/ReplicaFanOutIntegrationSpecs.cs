using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// The replica fan-out of events: two <c>agent server --database postgres://...</c> processes on one private
/// PostgreSQL, a real <c>agent run --url A</c>; <c>curl</c> on B's event stream sees what the agent tells A, and B shows
/// the agent gone once A is killed.
/// </summary>
[Trait("Category", "Integration")]
public sealed partial class ReplicaFanOutIntegrationSpecs(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    [Fact]
    public async Task AgentOnA_CurlOnB_SeesReadyLogAndMetadata_AKilled_BShowsAgentAndRelayDisconnected()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "echo started-on-a", metadata: [Manifests.Metadata("greeting", "echo hello-from-a", interval: 1)]));
        var database = (await postgres.CreateDatabaseAsync()).ToString();
        using var a = await StartReplicaAsync(harness, database);
        using var b = await StartReplicaAsync(harness, database);
        using var user = new HttpClient { BaseAddress = b.Address, Timeout = TimeSpan.FromSeconds(10) };
        user.DefaultRequestHeaders.Add("Coder-Session-Token", IntegrationHarness.UserToken);
        using var events = RunningProcess.Start(
            new ProcessStartInfo("curl", ["-sN", "--max-time", "60", "-H", $"Coder-Session-Token: {IntegrationHarness.UserToken}", new Uri(b.Address, $"api/v2/workspaceagents/{IntegrationHarness.AgentName}/events").ToString()])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            },
            "curl on B's events");
        await events.WaitForOutputAsync("event: connection");

        harness.StartAgent("--url", a.Address.ToString());

        await events.WaitForOutputAsync("\"state\":\"ready\"");
        await events.WaitForOutputAsync("started-on-a");
        await events.WaitForOutputAsync("hello-from-a");
        await Eventually.WaitAsync(
            () => SummaryAsync(user),
            summary => summary.GetProperty("status").GetString() == "connected" && summary.GetProperty("relay").GetString() == "connected",
            $"B to show the agent and its relay connected\n--- A ---\n{a.Process.Output}\n--- B ---\n{b.Process.Output}");

        a.Process.Signal("KILL");
        await a.Process.WaitForExitAsync();

        await Eventually.WaitAsync(
            () => SummaryAsync(user),
            summary => summary.GetProperty("status").GetString() == "disconnected",
            "B to show the agent disconnected after --agent-timeout",
            TimeSpan.FromSeconds(8));
        await Eventually.WaitAsync(
            () => SummaryAsync(user),
            summary => summary.GetProperty("relay").GetString() == "disconnected",
            $"B to show the relay disconnected once A's heartbeat timed out\n--- B ---\n{b.Process.Output}",
            TimeSpan.FromSeconds(25));
        await events.WaitForOutputAsync("which held the relay, stopped");
    }

    [Fact]
    public async Task SignInOnA_TheCookieServesOnB_SignOutOnB_EndsItOnA()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        var database = (await postgres.CreateDatabaseAsync()).ToString();
        using var a = await StartReplicaAsync(harness, database);
        using var b = await StartReplicaAsync(harness, database);
        var signIn = await Runtime.Api.ApiCurl.GetAsync(new Uri(a.Address, $"login?token={IntegrationHarness.UserToken}").ToString(), "-i");
        var cookie = "agent_session=" + Regex.Match(signIn.Body, "(?im)^set-cookie: agent_session=([^;]+);").Groups[1].Value;
        var summary = $"api/v2/workspaceagents/{IntegrationHarness.AgentName}";

        var onB = await Runtime.Api.ApiCurl.GetAsync(new Uri(b.Address, summary).ToString(), "-b", cookie);
        var signOut = await Runtime.Api.ApiCurl.GetAsync(
            new Uri(b.Address, "logout").ToString(), "-X", "POST", "-b", cookie, "-H", $"Origin: {b.Address.GetLeftPart(UriPartial.Authority)}");

        Assert.Equal(303, signIn.Status);
        Assert.Equal(200, onB.Status);
        Assert.Equal(303, signOut.Status);
        await Eventually.WaitAsync(
            async () => (await Runtime.Api.ApiCurl.GetAsync(new Uri(a.Address, summary).ToString(), "-b", cookie)).Status,
            status => status == 401,
            "A to refuse the session B ended, within the recheck time",
            TimeSpan.FromSeconds(10));
    }

    private static async Task<JsonElement> SummaryAsync(HttpClient user)
    {
        using var response = await user.GetAsync($"api/v2/workspaceagents/{IntegrationHarness.AgentName}");
        response.EnsureSuccessStatusCode();
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<Replica> StartReplicaAsync(IntegrationHarness harness, string database)
    {
        var process = RunningProcess.Start(
            AgentBinary.StartInfo(["server", "--address", "127.0.0.1:0", "--workspace", harness.WorkspaceFile, "--database", database, "--agent-timeout", "2s"]),
            "agent server");
        try
        {
            await process.WaitForOutputAsync("Listening to the peer replicas' changes");
            var address = Listening().Match(process.Output);
            Assert.True(address.Success, process.Output);
            return new Replica(process, new Uri(address.Groups[1].Value));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    [GeneratedRegex(@"Control plane listening on (http://127\.0\.0\.1:\d+/?)")]
    private static partial Regex Listening();

    private sealed record Replica(RunningProcess Process, Uri Address) : IDisposable
    {
        public void Dispose() => Process.Dispose();
    }
}
