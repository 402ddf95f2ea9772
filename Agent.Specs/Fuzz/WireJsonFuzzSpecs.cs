using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.Terminal;
using Agent.Specs.Runtime.ControlPlane;

namespace Agent.Specs.Fuzz;

/// <summary>
/// The JSON readers of the wire records, each with the source-generated context its caller uses. The first byte of
/// an input picks the record; the rest is the JSON. The property: the record parses, or the exceptions its callers
/// map to a clear error come out (JsonException; NotSupportedException too for the polymorphic events, which the
/// monitor catches; WorkspaceDefinitionException for the workspace file), never anything else.
/// </summary>
[Collection(FuzzCollection.Name)]
public sealed class WireJsonFuzzSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 4, 16, 0, 0, TimeSpan.Zero);

    private static readonly Reader[] Readers =
    [
        Json(ControlPlaneHarness.MainManifest(), AgentJsonContext.Default.Manifest),
        Json(new StartupRequest("v2.0.0", "/home/coder/src", "envbox", ["ssh-ed25519 AAAA"]), AgentJsonContext.Default.StartupRequest),
        Json(new LifecycleReport(LifecycleState.Ready, At), AgentJsonContext.Default.LifecycleReport),
        Json(new StartupLogsRequest([new StartupLog(At, "hello", "info"), new StartupLog(At, "\u001b[31mred", string.Empty)]), AgentJsonContext.Default.StartupLogsRequest),
        Json(new MetadataResult(At, 3, "0.5 0.4 0.3", string.Empty), AgentJsonContext.Default.MetadataResult),
        Json(new AppHealthRequest(new Dictionary<Guid, AppHealth> { [ControlPlaneHarness.WebAppId] = AppHealth.Healthy }), AgentJsonContext.Default.AppHealthRequest),
        Json(new Stats { ConnectionsByProto = new Dictionary<string, long> { ["ssh"] = 2 }, ConnectionCount = 2, RxBytes = 10, Metrics = [new AgentMetric("a", "counter", 1.5, [new AgentMetricLabel("k", "v")])] }, AgentJsonContext.Default.Stats),
        Json(new StatsResponse(TimeSpan.FromSeconds(30)), AgentJsonContext.Default.StatsResponse),
        Json(new ErrorResponse("Unauthorized.", "token"), AgentJsonContext.Default.ErrorResponse),
        Json(new TerminalInit { Id = "abc", Width = 80, Height = 24, Command = "top" }, TerminalJsonContext.Default.TerminalInit),
        Json(new TerminalRequest { Data = "ls\r", Width = 100, Height = 30 }, TerminalJsonContext.Default.TerminalRequest),
        Json<AgentEvent>(new MetadataCollected(At, "cpu", "CPU", new MetadataResult(At, 1, "1", string.Empty)), MonitoringJsonContext.Default.AgentEvent, typeof(NotSupportedException)),
        Json<AgentEvent>(new LogLine(At, "startup_script", "hi"), MonitoringJsonContext.Default.AgentEvent, typeof(NotSupportedException)),
        Json<AgentEvent>(new LifecycleChanged(At, LifecycleState.Starting), MonitoringJsonContext.Default.AgentEvent, typeof(NotSupportedException)),
        new(
            JsonSerializer.SerializeToUtf8Bytes(ControlPlaneHarness.Workspace(), ControlPlaneJsonContext.Default.WorkspaceDefinition),
            json => WorkspaceDefinition.Parse(System.Text.Encoding.UTF8.GetString(json)),
            [typeof(WorkspaceDefinitionException)]),
    ];

    internal static FuzzTarget Target { get; } = new(
        "json-wire-records",
        [.. Readers.Select((reader, i) => (byte[])[(byte)i, .. reader.Valid])],
        (input, _) => Task.FromResult(Parse(input)))
    {
        Dictionary = FuzzDictionaries.Json,
        MaxInputBytes = 16 * 1024,
    };

    [Fact]
    public async Task Parse_MutatedRecords_ParseOrJsonException()
        => await FuzzSpec.RunAsync(Target, minimumExecutions: 1000);

    private static FuzzOutcome Parse(byte[] input)
    {
        if (input.Length == 0)
            return FuzzOutcome.Refused;
        var reader = Readers[input[0] % Readers.Length];
        try
        {
            reader.Parse(input.AsSpan(1).ToArray());
            return FuzzOutcome.Accepted;
        }
        catch (JsonException)
        {
            return FuzzOutcome.Refused;
        }
        catch (Exception e) when (reader.Refusals.Contains(e.GetType()))
        {
            return FuzzOutcome.Refused;
        }
    }

    private static Reader Json<T>(T value, JsonTypeInfo<T> typeInfo, params Type[] refusals)
        => new(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo), json => _ = JsonSerializer.Deserialize(json, typeInfo), refusals);

    private sealed record Reader(byte[] Valid, Action<byte[]> Parse, Type[] Refusals);
}
