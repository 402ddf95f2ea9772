// A simulated fleet against one `agent server` (run through ../fleet.sh):
//   FleetLoad gen N FILE                         writes a workspace file of N agents (random UUID tokens, one user token)
//   FleetLoad run URL[,URL...] FILE SECONDS SERVER_PID[,PID...] [RAMP_SECONDS]
//     several URLs (replicas of one control plane): agent i uses URL i mod n, and the user's listing at the end goes
//     to the last URL; CPU and RSS are summed over the PIDs (0 or - measures none)
// Each agent holds its relay WebSocket (yamux server, pings every 15 s, answers the control plane's event-stream
// stream on port 4 and holds it open like the real agent), posts startup, lifecycle starting, 3 log lines, lifecycle
// ready, then every 10 s polls its manifest and posts two metadata items, and every 30 s a stats report. Latencies are
// kept only during the measured window, which starts once every agent has been started and settled.
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Agent.Runtime.Relay.WebSockets;
using Agent.Runtime.Relay.Yamux;
using Microsoft.Extensions.Logging.Abstractions;

return args switch
{
    ["gen", var n, var file] => Workspace.Write(int.Parse(n), file),
    ["run", var urls, var file, var seconds, var pids, .. var rest] =>
        await Fleet.RunAsync(
            urls.Split(',').Select(u => new Uri(u)).ToArray(),
            file,
            int.Parse(seconds),
            pids.Split(',').Where(p => p is not ("-" or "0")).Select(int.Parse).ToArray(),
            rest.Length > 0 ? int.Parse(rest[0]) : 0),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: FleetLoad gen N FILE | FleetLoad run URL[,URL...] FILE SECONDS SERVER_PID[,PID...] [RAMP_SECONDS]");
    return 2;
}

internal static class Workspace
{
    public const int MaxFileBytes = 4 * 1024 * 1024; // the control plane's workspace-file cap

    public static int Write(int n, string file)
    {
        var agents = new JsonArray();
        for (var i = 0; i < n; i++)
        {
            agents.Add(new JsonObject
            {
                ["name"] = $"a{i}",
                ["token"] = Guid.NewGuid().ToString(),
                ["manifest"] = new JsonObject
                {
                    ["directory"] = "~",
                    ["metadata"] = new JsonArray(Item("cpu"), Item("mem")),
                },
            });
        }

        var workspace = new JsonObject { ["user_tokens"] = new JsonArray(Guid.NewGuid().ToString("N")), ["agents"] = agents };
        var bytes = Encoding.UTF8.GetBytes(workspace.ToJsonString());
        File.WriteAllBytes(file, bytes);
        Console.WriteLine($"workspace: {n} agents, {bytes.Length} bytes ({bytes.Length / n} per agent; the {MaxFileBytes}-byte cap fits {MaxFileBytes / (bytes.Length / n)})");
        return bytes.Length > MaxFileBytes ? 3 : 0;
    }

    private static JsonObject Item(string key)
        => new() { ["display_name"] = key, ["key"] = key, ["script"] = "echo 1", ["interval"] = 10, ["timeout"] = 1 };
}

internal static class Fleet
{
    public static async Task<int> RunAsync(Uri[] urls, string file, int seconds, int[] serverPids, int ramp)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(file));
        var userToken = document.RootElement.GetProperty("user_tokens")[0].GetString()!;
        var tokens = document.RootElement.GetProperty("agents").EnumerateArray().Select(a => a.GetProperty("token").GetString()!).ToArray();
        if (ramp <= 0)
            ramp = Math.Clamp(tokens.Length / 100, 5, 60); // 100 agents a second, as a fleet that starts together
        ThreadPool.SetMinThreads(Environment.ProcessorCount * 4, Environment.ProcessorCount * 4);

        var metrics = new Metrics();
        var idle = Proc.Read(serverPids);
        using var stop = new CancellationTokenSource();
        var started = Stopwatch.StartNew();
        var agents = tokens.Select((token, i) => SimulatedAgent.RunAsync(urls[i % urls.Length], token, TimeSpan.FromSeconds(ramp * (double)i / tokens.Length), metrics, stop.Token)).ToArray();
        Console.WriteLine($"ramp-up: {tokens.Length} agents over {ramp} s{(urls.Length > 1 ? $", spread over {urls.Length} control planes" : string.Empty)}, then 15 s to settle");
        await Task.Delay(TimeSpan.FromSeconds(ramp + 15));
        Console.WriteLine($"after ramp-up: {metrics.Relays} relays held, {metrics.FailureSummary()}");

        var before = Proc.Read(serverPids);
        metrics.Start();
        var rssPeak = before.RssKiB;
        var window = Stopwatch.StartNew();
        while (window.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            await Task.Delay(TimeSpan.FromSeconds(Math.Min(5, Math.Max(0.1, seconds - window.Elapsed.TotalSeconds))));
            rssPeak = Math.Max(rssPeak, Proc.Read(serverPids).RssKiB);
        }

        metrics.Stop();
        var after = Proc.Read(serverPids);
        var elapsed = window.Elapsed.TotalSeconds;
        var (connected, relayed) = await CountConnectedAsync(urls[^1], userToken);
        Console.WriteLine($"measured {elapsed:F0} s with {tokens.Length} agents: {metrics.Relays} relays held by the fleet; the control plane lists {connected} connected, {relayed} with a relay");
        if (connected == 0)
        {
            connected = metrics.Relays; // the control plane refused the listing itself: count the relays the fleet holds
            Console.WriteLine($"per-agent figures below use the {connected} relays the fleet holds");
        }

        Console.WriteLine("(startup, lifecycle and logs: sent once at start, measured over the ramp-up; the rest over the window)");
        Console.WriteLine($"{"kind",-12} {"count",8} {"per s",8} {"p50 ms",8} {"p99 ms",8} {"max ms",8} {"errors",7}");
        foreach (var (kind, samples, errors) in metrics.Kinds())
        {
            samples.Sort();
            Console.WriteLine($"{kind,-12} {samples.Count,8} {(kind is "startup" or "lifecycle" or "logs" ? "-" : (samples.Count / elapsed).ToString("F1")),8} {Pct(samples, 0.50),8:F2} {Pct(samples, 0.99),8:F2} {(samples.Count > 0 ? samples[^1] : 0),8:F1} {errors,7}");
        }

        var reports = metrics.Kinds().Where(k => k.Kind is "manifest" or "metadata" or "stats").Sum(k => k.Samples.Count);
        Console.WriteLine($"reports per second: {reports / elapsed:F0} (manifest polls, metadata and stats in the window)");
        Console.WriteLine($"refused/failed in the window: {metrics.FailureSummary()}");
        if (serverPids.Length == 0)
        {
            Console.WriteLine("control plane CPU and RSS: not measured (no PID given)");
            return 0;
        }

        var cpu = (after.CpuTicks - before.CpuTicks) / (double)Proc.TicksPerSecond / elapsed * 100;
        var which = serverPids.Length > 1 ? $" ({serverPids.Length} processes together)" : string.Empty;
        Console.WriteLine($"control plane CPU{which}: {cpu:F1} % of a core");
        Console.WriteLine($"control plane RSS{which}: {after.RssKiB / 1024.0:F1} MiB at the end (peak {rssPeak / 1024.0:F1} MiB), " +
            $"{(connected > 0 ? after.RssKiB / (double)connected : 0):F0} KiB per connected agent, " +
            $"{(connected > 0 ? (after.RssKiB - idle.RssKiB) / (double)connected : 0):F0} KiB each above the {idle.RssKiB / 1024.0:F1} MiB before the fleet; descriptors {after.Fds}");
        Console.WriteLine($"load generator CPU: {Proc.Read(Environment.ProcessId).CpuTicks / (double)Proc.TicksPerSecond / started.Elapsed.TotalSeconds * 100:F0} % of a core (whole run)");
        return 0;
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(sorted.Count * p))];

    private static async Task<(int Connected, int Relayed)> CountConnectedAsync(Uri url, string userToken)
    {
        try
        {
            using var http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
            http.DefaultRequestHeaders.Add("Coder-Session-Token", userToken);
            using var list = JsonDocument.Parse(await http.GetStringAsync("/api/v2/workspaceagents"));
            var all = list.RootElement.EnumerateArray().ToArray();
            return (all.Count(a => a.GetProperty("status").GetString() == "connected"), all.Count(a => a.GetProperty("relay").GetString() == "connected"));
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            Console.WriteLine($"could not list the agents: {e.Message}");
            return (0, 0);
        }
    }
}

internal sealed record ProcSample(long CpuTicks, long RssKiB, int Fds);

internal static class Proc
{
    public const int TicksPerSecond = 100; // USER_HZ on Linux

    /// <summary>The sum over <paramref name="pids"/> (none: zeros).</summary>
    public static ProcSample Read(int[] pids)
        => pids.Select(Read).Aggregate(new ProcSample(0, 0, 0), (a, b) => new ProcSample(a.CpuTicks + b.CpuTicks, a.RssKiB + b.RssKiB, a.Fds + b.Fds));

    public static ProcSample Read(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var ticks = long.Parse(fields[11]) + long.Parse(fields[12]); // utime, stime (fields 14 and 15)
        var rss = File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var fds = pid == Environment.ProcessId ? 0 : Directory.GetFiles($"/proc/{pid}/fd").Length;
        return new ProcSample(ticks, long.Parse(rss.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]), fds);
    }
}

internal sealed class Metrics
{
    private readonly Dictionary<string, (List<double> Samples, int Errors)> _kinds = new();
    private readonly Dictionary<string, int> _failures = new();
    private volatile bool _measuring;
    private int _relays;

    public int Relays => Volatile.Read(ref _relays);

    public void Start()
    {
        lock (_failures)
            _failures.Clear();
        _measuring = true;
    }

    public void Stop() => _measuring = false;

    public void RelayUp() => Interlocked.Increment(ref _relays);

    public void RelayDown() => Interlocked.Decrement(ref _relays);

    /// <summary>Periodic kinds count only in the measured window; what agents send once at start (startup, lifecycle, logs) counts during the ramp-up.</summary>
    public void Record(string kind, double ms, bool ok, bool atStart = false)
    {
        if (!_measuring && !atStart)
            return;
        lock (_kinds)
        {
            var entry = _kinds.TryGetValue(kind, out var e) ? e : (Samples: new List<double>(), Errors: 0);
            if (ok)
                entry.Samples.Add(ms);
            else
                entry.Errors++;
            _kinds[kind] = entry;
        }
    }

    public void Fail(string what)
    {
        lock (_failures)
            _failures[what] = _failures.GetValueOrDefault(what) + 1;
    }

    public IEnumerable<(string Kind, List<double> Samples, int Errors)> Kinds()
    {
        lock (_kinds)
            return _kinds.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => (k.Key, k.Value.Samples, k.Value.Errors)).ToArray();
    }

    public string FailureSummary()
    {
        lock (_failures)
            return _failures.Count == 0 ? "none" : string.Join(", ", _failures.OrderBy(f => f.Key, StringComparer.Ordinal).Select(f => $"{f.Key} {f.Value}"));
    }
}

internal static class SimulatedAgent
{
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly YamuxOptions Yamux = new();

    public static async Task RunAsync(Uri url, string token, TimeSpan delay, Metrics metrics, CancellationToken ct)
    {
        await Task.Delay(delay, ct);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = 1, ConnectTimeout = TimeSpan.FromSeconds(10), PooledConnectionIdleTimeout = TimeSpan.FromSeconds(25) };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Add("Coder-Session-Token", token);
        var relay = HoldRelayAsync(url, token, metrics, ct);

        await UntilStoredAsync(http, "manifest", HttpMethod.Get, "manifest", null, metrics, ct);
        await UntilStoredAsync(http, "startup", HttpMethod.Post, "startup", """{"version":"v0.0.0-fleet","expanded_directory":"/home/fleet","subsystem":""}""", metrics, ct);
        await UntilStoredAsync(http, "lifecycle", HttpMethod.Post, "report-lifecycle", Lifecycle("starting"), metrics, ct);
        var now = DateTimeOffset.UtcNow.ToString("O");
        var logs = $$"""{"logs":[{"created_at":"{{now}}","output":"fleet: preparing","level":"info"},{"created_at":"{{now}}","output":"fleet: starting services","level":"info"},{"created_at":"{{now}}","output":"fleet: done","level":"info"}],"log_source":"startup"}""";
        await UntilStoredAsync(http, "logs", HttpMethod.Patch, "startup-logs", logs, metrics, ct);
        await UntilStoredAsync(http, "lifecycle", HttpMethod.Post, "report-lifecycle", Lifecycle("ready"), metrics, ct);

        var stats = """{"connections_by_proto":{},"connection_count":0,"connection_median_latency_ms":0,"rx_packets":0,"rx_bytes":0,"tx_packets":0,"tx_bytes":0,"session_count_vscode":0,"session_count_jetbrains":0,"session_count_reconnecting_pty":0,"session_count_ssh":0,"metrics":[]}""";
        using var ticks = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(Random.Shared.NextDouble() * 10), ct);
            for (var tick = 0; ; tick++)
            {
                await SendAsync(http, "manifest", HttpMethod.Get, "manifest", null, metrics, ct);
                foreach (var key in (string[])["cpu", "mem"])
                    await SendAsync(http, "metadata", HttpMethod.Post, $"metadata/{key}", $$"""{"collected_at":"{{DateTimeOffset.UtcNow:O}}","age":0,"value":"{{Random.Shared.Next(100)}}","error":""}""", metrics, ct);
                if (tick % 3 == 0)
                    await SendAsync(http, "stats", HttpMethod.Post, "report-stats", stats, metrics, ct);
                await ticks.WaitForNextTickAsync(ct);
            }
        }
        catch (OperationCanceledException)
        {
        }

        await relay;
    }

    private static string Lifecycle(string state) => $$"""{"state":"{{state}}","changed_at":"{{DateTimeOffset.UtcNow:O}}"}""";

    // The agent's connection-loop backoff (BackoffPolicy.Reconnect): 100 ms doubling to 10 s, ±20 %.
    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LastRetry = TimeSpan.FromSeconds(10);

    // Like the agent: startup, lifecycle and logs are sent again until the control plane has stored them.
    private static async Task UntilStoredAsync(HttpClient http, string kind, HttpMethod method, string path, string? body, Metrics metrics, CancellationToken ct)
    {
        for (var delay = FirstRetry; !await SendAsync(http, kind, method, path, body, metrics, ct, atStart: kind != "manifest"); delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks)))
            await Task.Delay(delay * (0.8 + (Random.Shared.NextDouble() * 0.4)), ct);
    }

    private static async Task<bool> SendAsync(HttpClient http, string kind, HttpMethod method, string path, string? body, Metrics metrics, CancellationToken ct, bool atStart = false)
    {
        using var request = new HttpRequestMessage(method, $"/api/v2/workspaceagents/me/{path}");
        if (body is not null)
            request.Content = new StringContent(body, Json);
        var clock = Stopwatch.StartNew();
        try
        {
            using var response = await http.SendAsync(request, ct);
            await response.Content.LoadIntoBufferAsync(ct);
            var ok = response.IsSuccessStatusCode;
            metrics.Record(kind, clock.Elapsed.TotalMilliseconds, ok, atStart);
            if (!ok)
                metrics.Fail($"http {(int)response.StatusCode}");
            return ok;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException && !ct.IsCancellationRequested)
        {
            metrics.Record(kind, 0, false, atStart);
            metrics.Fail(Describe(e));
            return false;
        }
    }

    private static string Describe(Exception e)
        => e switch
        {
            TaskCanceledException => "timeout",
            HttpRequestException { HttpRequestError: var error } => error.ToString(),
            WebSocketException { WebSocketErrorCode: var code } => $"relay {code}",
            _ => e.GetType().Name,
        };

    private static async Task HoldRelayAsync(Uri url, string token, Metrics metrics, CancellationToken ct)
    {
        var relayUri = new UriBuilder(url) { Scheme = url.Scheme == "https" ? "wss" : "ws", Path = "/api/v2/workspaceagents/me/relay" }.Uri;
        var delay = FirstRetry;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                using var socket = new ClientWebSocket();
                socket.Options.SetRequestHeader("Coder-Session-Token", token);
                socket.Options.KeepAliveInterval = TimeSpan.Zero; // yamux pings, as in the agent
                using (var connect = CancellationTokenSource.CreateLinkedTokenSource(ct))
                {
                    connect.CancelAfter(TimeSpan.FromSeconds(30));
                    await socket.ConnectAsync(relayUri, connect.Token);
                }

                await using var transport = new DuplexWebSocketStream(socket);
                var session = YamuxSession.Server(transport, Yamux, NullLogger.Instance);
                await using (session)
                {
                    metrics.RelayUp();
                    delay = FirstRetry;
                    try
                    {
                        var accepting = AcceptAsync(session, ct);
                        using var pings = new PeriodicTimer(TimeSpan.FromSeconds(15));
                        var completion = session.Completion;
                        while (!completion.IsCompleted)
                        {
                            var tick = pings.WaitForNextTickAsync(ct).AsTask();
                            if (await Task.WhenAny(tick, completion) == completion)
                                break;
                            await tick;
                            var clock = Stopwatch.StartNew();
                            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                            timeout.CancelAfter(TimeSpan.FromSeconds(10));
                            try
                            {
                                await session.PingAsync(timeout.Token);
                                metrics.Record("relay-ping", clock.Elapsed.TotalMilliseconds, true);
                            }
                            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                            {
                                metrics.Record("relay-ping", 0, false);
                                metrics.Fail("relay ping timeout");
                            }
                        }

                        metrics.Fail("relay dropped");
                        _ = accepting;
                    }
                    finally
                    {
                        metrics.RelayDown();
                    }
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is WebSocketException or IOException or HttpRequestException or OperationCanceledException or YamuxSessionClosedException)
            {
                metrics.Fail(e is OperationCanceledException ? "relay connect timeout" : e is WebSocketException w ? $"relay {w.WebSocketErrorCode}" : "relay " + e.GetType().Name);
            }

            try
            {
                await Task.Delay(delay * (0.8 + (Random.Shared.NextDouble() * 0.4)), ct);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, LastRetry.Ticks));
        }
    }

    private static async Task AcceptAsync(YamuxSession session, CancellationToken ct)
    {
        while (true)
        {
            YamuxStream stream;
            try
            {
                stream = await session.AcceptStreamAsync(ct);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                return;
            }

            _ = ServeAsync(stream, ct);
        }
    }

    // Port 4 is the agent's HTTP API: the control plane follows /api/v0/events for as long as the relay lives, so
    // answer an event stream and hold it open like the agent. Any other port: unavailable (status 3).
    private static async Task ServeAsync(YamuxStream stream, CancellationToken ct)
    {
        await using (stream)
        {
            try
            {
                var request = new byte[3];
                await stream.ReadExactlyAsync(request, ct);
                var port = (request[1] << 8) | request[2];
                if (request[0] != 1 || port != 4)
                {
                    await stream.WriteAsync(new byte[] { 3, 0 }, ct);
                    return;
                }

                await stream.WriteAsync(new byte[] { 0, 0 }, ct);
                var head = new byte[8192];
                var length = 0;
                while (length < head.Length)
                {
                    var read = await stream.ReadAsync(head.AsMemory(length), ct);
                    if (read == 0)
                        return;
                    length += read;
                    if (head.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
                        break;
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n"u8.ToArray(), ct);
                while (await stream.ReadAsync(head, ct) > 0)
                {
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException or EndOfStreamException)
            {
            }
        }
    }
}
