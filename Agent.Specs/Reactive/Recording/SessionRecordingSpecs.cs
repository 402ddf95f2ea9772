using System.Net;
using System.Text;
using Agent.Reactive.Effects;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Recording;
using Agent.Specs.Fakes.Recording;
using Agent.Specs.Utilities;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Reactive.Recording;

public sealed class SessionRecordingSpecs
{
    private static readonly TimeSpan Quiet = RecordingLimits.Default.Quiet;
    private readonly TestScheduler _scheduler = new();
    private readonly RecordingLogger _logger = new();
    private readonly List<AgentEvent> _events = [];
    private readonly RecordingControlPlane _plane;
    private int _unsupported;

    public SessionRecordingSpecs()
    {
        _scheduler.AdvanceTo(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero).UtcTicks);
        _plane = new RecordingControlPlane(_scheduler);
    }

    [Fact]
    public void Output_IsSentOnceQuiet_InOrderAfterTheHeader_ThenCompleteSendsTheRestAndTheEnd()
    {
        var recording = Start(RecordingMode.On);
        recording.Output("hel"u8);
        _scheduler.AdvanceBy(Quiet.Ticks / 2);
        recording.Output("lo"u8);
        _scheduler.AdvanceBy(Quiet.Ticks / 2);
        var whileTyping = _plane.Chunks.Count;
        _scheduler.AdvanceBy(Quiet.Ticks);
        var afterQuiet = _plane.Chunks.Count;

        recording.Resize(100, 30);
        recording.Input();
        recording.Complete();
        _scheduler.AdvanceBy(Quiet.Ticks);

        Assert.Equal(0, whileTyping);
        Assert.Equal(1, afterQuiet);
        Assert.Equal(2, _plane.Chunks.Count);
        var lines = _plane.Lines;
        Assert.StartsWith("{\"version\":2,\"width\":80,\"height\":24,", lines[0], StringComparison.Ordinal);
        Assert.Equal(["[0.000000,\"o\",\"hel\"]", "[0.100000,\"o\",\"lo\"]", "[0.400000,\"r\",\"100x30\"]", "[0.400000,\"i\",\"\"]"], lines.Skip(1).Select(Normalize));
        Assert.Equal([("rec-1", 0L)], _plane.Ends.Select(end => (end.Id, end.End.DroppedBytes)));
        Assert.Equal(["recording_started", "recording_ended"], _events.Select(Kind));
        Assert.Equal(_plane.Bytes, Assert.IsType<RecordingEnded>(_events[^1]).Bytes);
    }

    [Fact]
    public void SlowControlPlane_On_DropsWhatDoesNotFitTheQueue_MarksTheGap_AndTellsTheDroppedBytes()
    {
        _plane.HoldChunks = true;
        var recording = Start(RecordingMode.On, new RecordingLimits { QueueBytes = 4096 });
        var line = new string('a', 1000);
        recording.Output(Encoding.UTF8.GetBytes("1" + line));
        _scheduler.AdvanceBy(Quiet.Ticks);
        foreach (var n in "2345")
            recording.Output(Encoding.UTF8.GetBytes(n + line));
        _plane.ReleaseChunk();
        _scheduler.AdvanceBy(1);
        recording.Output(Encoding.UTF8.GetBytes("6" + line));
        recording.Complete();
        Drain();

        var outputs = _plane.Lines.Where(l => l.Contains("\"o\"", StringComparison.Ordinal)).Select(l => l[l.IndexOf("\"o\",\"", StringComparison.Ordinal) + 5]).ToList();
        Assert.Equal("1236", string.Concat(outputs));
        var dropped = _plane.Ends.Single().End.DroppedBytes;
        Assert.InRange(dropped, 2 * 1001, 2 * 1040); // lines 4 and 5, with their JSON
        Assert.Contains(_plane.Lines, l => l.Contains($"\"m\",\"{dropped} bytes dropped: the control plane was slow\"", StringComparison.Ordinal));
        Assert.Single(_logger.Warnings, w => w.Contains("dropping output", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SlowControlPlane_Required_FailsTheRecording_WithTheReason()
    {
        _plane.HoldChunks = true;
        var recording = Start(RecordingMode.Required, new RecordingLimits { QueueBytes = 4096 });
        recording.Output(new byte[1000]);
        _scheduler.AdvanceBy(Quiet.Ticks);
        foreach (var _ in Enumerable.Range(0, 4))
            recording.Output(new byte[1000]);

        Assert.True(recording.Failed.IsCompleted);
        Assert.Contains("did not keep up", await recording.Failed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cap_On_StopsWithAMarker_Required_Fails()
    {
        var on = Start(RecordingMode.On, new RecordingLimits { MaxBytes = 2048 });
        var required = Start(RecordingMode.Required, new RecordingLimits { MaxBytes = 2048 });
        foreach (var recording in new[] { on, required })
        {
            foreach (var _ in Enumerable.Range(0, 3))
                recording.Output(Encoding.UTF8.GetBytes(new string('x', 900)));
            recording.Complete();
        }

        Drain();

        Assert.Contains(_plane.Lines, l => l.Contains("\"m\",\"recording stopped: it reached its cap of 2048 bytes\"", StringComparison.Ordinal));
        Assert.False(on.Failed.IsCompleted);
        Assert.Contains("cap of 2048 bytes", await required.Failed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartRefused_OpenedIsFalse_On404TheRecorderIsTold_AndRequiredFails()
    {
        _plane.StartFailure = RecordingControlPlane.NotFound;
        var on = Start(RecordingMode.On);
        _plane.StartFailure = new ControlPlaneException(HttpStatusCode.Forbidden, "This control plane keeps no session recordings.");
        var required = Start(RecordingMode.Required);
        on.Output("lost"u8);
        on.Complete();
        _scheduler.AdvanceBy(Quiet.Ticks);

        Assert.False(await on.Opened);
        Assert.False(await required.Opened);
        Assert.Equal(1, _unsupported);
        Assert.Contains("keeps no session recordings", await required.Failed, StringComparison.Ordinal);
        Assert.False(on.Failed.IsCompleted);
        Assert.Empty(_plane.Chunks);
        Assert.Empty(_events);
    }

    [Fact]
    public void ChunkRefused_On_StopsTheRecording_AndStillTellsItsEnd()
    {
        var recording = Start(RecordingMode.On);
        _plane.ChunkFailure = new ControlPlaneException(HttpStatusCode.RequestEntityTooLarge, "The recording reached its cap.");
        recording.Output("refused"u8);
        _scheduler.AdvanceBy(Quiet.Ticks);
        _plane.ChunkFailure = null;
        recording.Output("after"u8);
        recording.Complete();
        Drain();

        Assert.Empty(_plane.Chunks);
        Assert.Equal("rec-1", _plane.Ends.Single().Id);
        Assert.Contains("reached its cap", Assert.IsType<RecordingEnded>(_events[^1]).Failure, StringComparison.Ordinal);
        Assert.False(recording.Failed.IsCompleted);
    }

    private static string Kind(AgentEvent e) => e switch
    {
        RecordingStarted => "recording_started",
        RecordingEnded => "recording_ended",
        _ => e.GetType().Name,
    };

    // Decimal seconds as six places, whatever the writer's formatting of trailing zeros.
    private static string Normalize(string line)
    {
        var comma = line.IndexOf(',', StringComparison.Ordinal);
        var seconds = decimal.Parse(line[1..comma], System.Globalization.CultureInfo.InvariantCulture);
        return "[" + seconds.ToString("0.000000", System.Globalization.CultureInfo.InvariantCulture) + line[comma..];
    }

    private SessionRecording Start(RecordingMode mode, RecordingLimits? limits = null)
        => new(
            _plane,
            mode,
            new RecordingOrigin("ssh", "coder from 127.0.0.1:5000", new AsciicastHeader(80, 24, _scheduler.Now, "/bin/bash", "xterm", "ssh: coder from 127.0.0.1:5000")),
            limits ?? RecordingLimits.Default,
            _scheduler,
            _logger,
            _events.Add,
            () => _unsupported++);

    // Answers every held chunk and lets the pipeline send the rest.
    private void Drain()
    {
        for (var step = 0; step < 100; step++)
        {
            while (_plane.HeldCount > 0)
                _plane.ReleaseChunk();
            _scheduler.AdvanceBy(Quiet.Ticks);
        }
    }
}
