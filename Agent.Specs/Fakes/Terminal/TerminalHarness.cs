using System.Reactive.Concurrency;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Reactive.Statistics;
using Agent.Reactive.Terminal;
using Agent.Specs.Utilities;

namespace Agent.Specs.Fakes.Terminal;

/// <summary>Terminal sessions over the fake PTY, with the events, counters and log kept for assertions.</summary>
internal sealed class TerminalHarness : IDisposable
{
    private readonly Lock _gate = new();
    private readonly List<AgentEvent> _events = [];
    private readonly IDisposable _subscription;

    public TerminalHarness(IScheduler scheduler, TerminalOptions? options = null, Manifest? manifest = null)
    {
        var environment = new AgentEnvironment("/home/coder", name => name == "HOME" ? "/home/coder" : null, "v0.1.0", string.Empty, "/tmp/logs", "/usr/bin/agent", "coder");
        Sessions = new TerminalSessions(
            Launcher,
            TerminalSpecs.FromManifest(() => (manifest, "agent-token"), environment),
            Counters,
            options ?? TerminalOptions.Default,
            scheduler,
            Logger);
        _subscription = Sessions.Events.Subscribe(e =>
        {
            lock (_gate)
                _events.Add(e);
        });
    }

    public FakePtyLauncher Launcher { get; } = new();

    public AgentCounters Counters { get; } = new();

    public RecordingLogger Logger { get; } = new();

    public TerminalSessions Sessions { get; }

    public IReadOnlyList<AgentEvent> Events
    {
        get
        {
            lock (_gate)
                return [.. _events];
        }
    }

    public static TerminalAttachRequest Request(string id = "abc", string command = "", ushort columns = 80, ushort rows = 24)
        => new(id, command, columns, rows);

    /// <summary>Everything waiting for <paramref name="client"/>, as text.</summary>
    public static string Drain(TerminalConnection client)
    {
        var bytes = new List<byte>();
        while (client.TryRead(out var chunk))
            bytes.AddRange(chunk.ToArray());
        return Encoding.UTF8.GetString([.. bytes]);
    }

    public void Dispose()
    {
        Sessions.Dispose();
        _subscription.Dispose();
    }
}
