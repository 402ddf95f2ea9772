using System.Reactive.Linq;
using System.Reactive.Threading.Tasks;
using System.Text;
using System.Text.Json;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.Relay.Sse;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The event stream (Server-Sent Events) and the connection status of a real embedded control plane.</summary>
public sealed class AgentEventStreamSpecs
{
    private static readonly DateTimeOffset At = new(2023, 6, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task Events_LateSubscriber_GetsSnapshotFirstThenLiveEvents()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();
        var client = harness.Agent();
        await client.PostStartupAsync(new StartupRequest("v0.1.0", "/src", ""), CancellationToken.None);
        await client.PostLifecycleAsync(new LifecycleReport(LifecycleState.Starting, At), CancellationToken.None);
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        using var http = harness.User();

        using var response = await http.GetAsync("api/v2/workspaceagents/main/events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var snapshot = new[]
        {
            await ReadEventAsync(reader, deadline.Token),
            await ReadEventAsync(reader, deadline.Token),
            await ReadEventAsync(reader, deadline.Token),
        };
        await client.PostLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At.AddSeconds(5)), CancellationToken.None);
        var live = await ReadEventAsync(reader, deadline.Token);

        Assert.Equal(["connection", "startup", "lifecycle"], snapshot.Select(e => e.Name));
        Assert.Equal("connected", snapshot[0].Data.GetProperty("state").GetString());
        Assert.Equal("v0.1.0", snapshot[1].Data.GetProperty("version").GetString());
        Assert.Equal("starting", snapshot[2].Data.GetProperty("state").GetString());
        Assert.Equal("lifecycle", live.Name);
        Assert.Equal("lifecycle", live.Data.GetProperty("type").GetString());
        Assert.Equal("ready", live.Data.GetProperty("state").GetString());
        Assert.Equal(At.AddSeconds(5), live.Data.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task Events_LogLines_CarryTheirSource()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        using var http = harness.User();
        using var response = await http.GetAsync($"api/v2/workspaceagents/other/events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        var first = await ReadEventAsync(reader, deadline.Token);

        await harness.Agent(ControlPlaneHarness.OtherToken).PatchStartupLogsAsync(
            new StartupLogsRequest([new StartupLog(At, "line one\nstill one event")], LogSources.Shutdown),
            CancellationToken.None);
        var connected = await ReadEventAsync(reader, deadline.Token);
        var log = await ReadEventAsync(reader, deadline.Token);

        Assert.Equal(("connection", "disconnected"), (first.Name, first.Data.GetProperty("state").GetString()));
        Assert.Equal("connection", connected.Name);
        Assert.Equal("log", log.Name);
        Assert.Equal("shutdown", log.Data.GetProperty("source").GetString());
        Assert.Equal("line one\nstill one event", log.Data.GetProperty("output").GetString());
    }

    [Fact]
    public async Task Status_NoCallWithinAgentTimeout_FlipsToDisconnected()
    {
        await using var harness = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions { AgentTimeout = TimeSpan.FromMilliseconds(300) });
        var agent = harness.Server.Store.FindByName("main")!;
        var flips = agent.Events
            .OfType<ConnectionChanged>()
            .SkipWhile(change => change.State != ConnectionState.Connected)
            .Take(2)
            .ToList()
            .Timeout(ControlPlaneHarness.Deadline)
            .ToTask();

        await harness.Agent().GetManifestAsync(CancellationToken.None);
        var changes = await flips;
        var summary = await harness.CurlAsync("api/v2/workspaceagents/main", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");

        Assert.Equal([ConnectionState.Connected, ConnectionState.Disconnected], changes.Select(change => change.State));
        Assert.True(changes[1].At - changes[0].At >= TimeSpan.FromMilliseconds(250), $"flipped after {changes[1].At - changes[0].At}");
        Assert.Equal("disconnected", JsonDocument.Parse(summary.Body).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Events_IdleStream_SendsPingComments()
    {
        await using var harness = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions { EventPingInterval = TimeSpan.FromMilliseconds(100) });
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        using var http = harness.User();
        using var response = await http.GetAsync("api/v2/workspaceagents/main/events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));

        await ReadEventAsync(reader, deadline.Token);
        var next = await reader.ReadLineAsync(deadline.Token);
        while (next == string.Empty)
            next = await reader.ReadLineAsync(deadline.Token);

        Assert.Equal(": ping", next);
    }

    [Fact]
    public async Task Stop_WithOpenEventStream_EndsTheStreamPromptly()
    {
        var harness = await ControlPlaneHarness.StartAsync();
        await using var _ = harness;
        using var deadline = new CancellationTokenSource(ControlPlaneHarness.Deadline);
        using var http = harness.User();
        using var response = await http.GetAsync("api/v2/workspaceagents/main/events", HttpCompletionOption.ResponseHeadersRead, deadline.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(deadline.Token));
        await ReadEventAsync(reader, deadline.Token);
        var started = System.Diagnostics.Stopwatch.StartNew();

        await harness.Server.StopAsync().WaitAsync(deadline.Token);
        var rest = await reader.ReadToEndAsync(deadline.Token);

        Assert.Equal(string.Empty, rest.Trim());
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(4), $"stopping took {started.Elapsed}");
    }

    [Fact]
    public async Task Events_UnknownUserToken_401()
    {
        await using var harness = await ControlPlaneHarness.StartAsync();

        var answer = await harness.CurlAsync("api/v2/workspaceagents/main/events?coder_session_token=nope");

        Assert.Equal(401, answer.Status);
    }

    [Fact]
    public async Task Events_ReaderStopsReadingWhileLogsFlood_IsDisconnectedPastTheByteBudget()
    {
        await using var harness = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions { EventQueueBytes = 64 << 10 });
        using var stalled = await StalledEventReader.OpenAsync(harness.Address, "main", ControlPlaneHarness.UserToken);
        var agent = harness.Server.Store.FindByName("main")!;
        var first = await stalled.ReadUntilAsync("event: ", ControlPlaneHarness.Deadline); // subscribed: the snapshot began

        // About 1 MB of log lines (the agent's log limit), none of which the reader takes. On loopback the kernel's send
        // buffer grows to megabytes and may take all of it before the queue fills (a CI run received 1,007,506 of about
        // 1,010,000 bytes), so lifecycle changes, which each wait too, follow until the reader is dropped: at most about
        // 16 MB, more than the kernel holds (tcp_wmem's maximum is 4 MiB).
        // Each batch a second later: a batch equal to the newest lines stored is taken as the agent's retry, once.
        for (var batch = 0; batch < 10; batch++)
            Assert.True(await agent.AppendLogsAsync(LogSources.Startup, [.. Enumerable.Range(0, 100).Select(i => new StartupLog(At.AddSeconds(batch), new string('x', 1000)))], CancellationToken.None));
        for (var batch = 0; batch < 200 && !Dropped(); batch++)
        {
            for (var report = 0; report < 1000; report++)
                await agent.ReportLifecycleAsync(new LifecycleReport(report % 2 == 0 ? LifecycleState.Starting : LifecycleState.Ready, At), CancellationToken.None);
        }

        await Eventually.WaitAsync(Dropped, "the control plane to drop the stalled reader");

        // The server ends the stream (ReadToEndAsync fails past the deadline otherwise). How much arrived says little
        // (the kernel's buffers), so only the drop itself is asserted.
        var received = Encoding.UTF8.GetByteCount(first) + await stalled.ReadToEndAsync(ControlPlaneHarness.Deadline);
        Assert.True(received > 0);

        bool Dropped() => harness.Logs.Messages.Any(message => message.Contains("fell too far behind", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Events_ReaderStopsReadingWhileOneMetadataKeyFloods_StaysConnectedAndGetsTheNewestValue()
    {
        await using var harness = await ControlPlaneHarness.StartAsync(new ControlPlaneOptions { EventQueueBytes = 64 << 10 });
        using var stalled = await StalledEventReader.OpenAsync(harness.Address, "main", ControlPlaneHarness.UserToken);
        var agent = harness.Server.Store.FindByName("main")!;

        for (var i = 0; i <= 10_000; i++)
            Assert.True(agent.ReportMetadata("cpu", new MetadataResult(At, 0, $"{new string('x', 1000)}-{i}-", string.Empty)));
        await agent.ReportLifecycleAsync(new LifecycleReport(LifecycleState.Ready, At), CancellationToken.None);

        var text = await stalled.ReadUntilAsync("\"ready\"", ControlPlaneHarness.Deadline);
        Assert.Contains("-10000-", text, StringComparison.Ordinal);
        Assert.DoesNotContain("too far behind", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Format_Event_IsOneEventLineAndOneDataLine()
    {
        var text = System.Text.Encoding.UTF8.GetString(EventStreamQueue.Format(new LogLine(At, "startup", "a\nb")));

        var lines = text.Split('\n');
        Assert.Equal("event: log", lines[0]);
        Assert.StartsWith("data: {", lines[1], StringComparison.Ordinal);
        Assert.Equal(["", ""], lines[2..]);
    }

    private static async Task<(string Name, JsonElement Data)> ReadEventAsync(StreamReader reader, CancellationToken cancellationToken)
    {
        string? name = null;
        string? data = null;
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new EndOfStreamException("the event stream ended");
            if (line.Length == 0)
            {
                if (name is not null && data is not null)
                    return (name, JsonDocument.Parse(data).RootElement);
                continue;
            }

            if (line.StartsWith("event: ", StringComparison.Ordinal))
                name = line["event: ".Length..];
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
                data = line["data: ".Length..];
        }
    }
}
