using System.Reactive.Concurrency;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Microsoft.Extensions.Logging;

namespace Agent.Reactive.Recording;

/// <summary>
/// The agent's session recording: for each new PTY session, whether and how it is recorded, from the current
/// manifest's <c>session_recording</c>. A control plane that answered 404 (it predates recordings) is not asked
/// again during the same connection: logged once, then <c>on</c> sessions run unrecorded and <c>required</c> ones
/// are refused. Thread-safe.
/// </summary>
public sealed class SessionRecorder
{
    private readonly Lock _gate = new();
    private readonly IControlPlaneClient _client;
    private readonly Func<(RecordingMode Mode, DateTimeOffset? Connection)> _current;
    private readonly RecordingLimits _limits;
    private readonly IScheduler _scheduler;
    private readonly ILogger _logger;
    private readonly Action<AgentEvent> _publish;
    private DateTimeOffset? _unsupportedOn;

    /// <param name="client">Where recordings go.</param>
    /// <param name="current">The current manifest's mode and when the current connection was made (<c>null</c> before one).</param>
    /// <param name="limits">The bounds of each recording.</param>
    /// <param name="scheduler">The clock of the casts and of the batching.</param>
    /// <param name="logger">Where recordings log.</param>
    /// <param name="publish">Where recording events go (the agent's event feed).</param>
    public SessionRecorder(
        IControlPlaneClient client,
        Func<(RecordingMode Mode, DateTimeOffset? Connection)> current,
        RecordingLimits limits,
        IScheduler scheduler,
        ILogger logger,
        Action<AgentEvent> publish)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(limits);
        ArgumentNullException.ThrowIfNull(scheduler);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(publish);
        limits.Validate();
        _client = client;
        _current = current;
        _limits = limits;
        _scheduler = scheduler;
        _logger = logger;
        _publish = publish;
    }

    internal ILogger Logger => _logger;

    /// <summary>What to do with a session about to start on <paramref name="spec"/>: not record it, record it, or refuse it.</summary>
    public RecordingDecision Begin(PtySpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var (mode, connection) = _current();
        if (mode == RecordingMode.Off)
            return RecordingDecision.NotRecorded;
        var origin = spec.Origin ?? new PtyOrigin("pty", "unknown");
        bool unsupported;
        lock (_gate)
            unsupported = connection is not null && _unsupportedOn == connection;
        if (unsupported)
        {
            return mode == RecordingMode.Required
                ? RecordingDecision.Refused(origin, "the control plane does not take session recordings (it answered 404)")
                : RecordingDecision.NotRecorded;
        }

        var header = new AsciicastHeader(spec.Columns, spec.Rows, _scheduler.Now, Variable(spec, "SHELL"), Variable(spec, "TERM"), $"{origin.Kind}: {origin.Who}");
        var recording = new SessionRecording(_client, mode, new RecordingOrigin(origin.Kind, origin.Who, header), _limits, _scheduler, _logger, _publish, () => Unsupported(connection));
        return new RecordingDecision(origin, recording, null);
    }

    private static string? Variable(PtySpec spec, string name)
        => spec.Environment.LastOrDefault(pair => pair.Key == name).Value;

    private void Unsupported(DateTimeOffset? connection)
    {
        lock (_gate)
        {
            if (_unsupportedOn == connection)
                return;
            _unsupportedOn = connection;
        }

        _logger.RecordingUnsupported();
    }
}
