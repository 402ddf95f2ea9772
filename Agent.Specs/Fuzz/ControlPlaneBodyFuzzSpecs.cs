using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Agent.Reactive.Protocol;
using Agent.Specs.Runtime.ControlPlane;

namespace Agent.Specs.Fuzz;

/// <summary>
/// Request bodies of the agent API of a real embedded control plane (Kestrel on loopback): startup, lifecycle,
/// logs, metadata, app health and stats, sent with the agent's token as <c>application/json</c>. The first input byte
/// picks the endpoint. The property: every body gets an answer below 500 (a malformed one a 400 with the reason) on a
/// connection that stays usable; the valid bodies are still accepted after the run.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class ControlPlaneBodyFuzzSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

    private static readonly (HttpMethod Method, string Path, byte[] Valid)[] Endpoints =
    [
        (HttpMethod.Post, "startup", Json(new StartupRequest("v2.1.0", "/home/coder", string.Empty, ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA"]), AgentJsonContext.Default.StartupRequest)),
        (HttpMethod.Post, "report-lifecycle", Json(new LifecycleReport(LifecycleState.Starting, At), AgentJsonContext.Default.LifecycleReport)),
        (HttpMethod.Patch, "startup-logs", Json(new StartupLogsRequest([new StartupLog(At, "hello", "info")]), AgentJsonContext.Default.StartupLogsRequest)),
        (HttpMethod.Post, "metadata/cpu", Json(new MetadataResult(At, 1, "0.5", string.Empty), AgentJsonContext.Default.MetadataResult)),
        (HttpMethod.Post, "app-health", Json(new AppHealthRequest(new Dictionary<Guid, AppHealth> { [ControlPlaneHarness.WebAppId] = AppHealth.Healthy }), AgentJsonContext.Default.AppHealthRequest)),
        (HttpMethod.Post, "report-stats", Json(new Stats { ConnectionCount = 1, ConnectionsByProto = new Dictionary<string, long> { ["ssh"] = 1 } }, AgentJsonContext.Default.Stats)),
    ];

    [Fact]
    public async Task AgentApi_MutatedBodies_AnsweredBelow500()
    {
        await using var plane = await ControlPlaneHarness.StartAsync();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = plane.Address, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Add(SessionTokenHeader.Name, ControlPlaneHarness.MainToken.ToString());
        await FuzzSpec.RunAsync(Target(http));
    }

    internal static FuzzTarget Target(HttpClient http) => new(
        "control-plane-bodies",
        [.. Endpoints.Select((endpoint, i) => (byte[])[(byte)i, .. endpoint.Valid])],
        (input, cancellationToken) => PostAsync(http, input, cancellationToken))
    {
        Dictionary = FuzzDictionaries.Json,
        MaxInputBytes = 16 * 1024,
    };

    private static async Task<FuzzOutcome> PostAsync(HttpClient http, byte[] input, CancellationToken cancellationToken)
    {
        if (input.Length == 0)
            return FuzzOutcome.Refused;
        var (method, path, _) = Endpoints[input[0] % Endpoints.Length];
        using var content = new ByteArrayContent(input, 1, input.Length - 1);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(method, "/api/v2/workspaceagents/me/" + path) { Content = content };
        using var response = await http.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        if ((int)response.StatusCode >= 500)
            throw new InvalidOperationException($"{method} {path} answered {(int)response.StatusCode}: {body}");

        // 413: a bound of the agent's stored logs was reached, which the run does on purpose; not a parse refusal.
        return response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.RequestEntityTooLarge ? FuzzOutcome.Accepted : FuzzOutcome.Refused;
    }

    private static byte[] Json<T>(T value, JsonTypeInfo<T> typeInfo) => JsonSerializer.SerializeToUtf8Bytes(value, typeInfo);
}
