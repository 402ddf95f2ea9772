using Agent.Reactive.Monitoring;
using Agent.Runtime.Commands.Monitor;

namespace Agent.Specs.Runtime.Commands.Monitor;

public sealed class RecordingsPanelSpecs
{
    private static readonly DateTimeOffset At = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void RecordingEvents_AreFoldedAsTheLastTen_AndEachIsOneLine()
    {
        var state = DashboardState.Empty;
        foreach (var n in Enumerable.Range(1, 6))
        {
            state = state.Apply(new RecordingStarted(At, $"rec-{n}", "ssh", "coder from 127.0.0.1:5000"));
            state = state.Apply(new RecordingEnded(At, $"rec-{n}", 2048, 0, n == 6 ? "the control plane was gone" : null));
        }

        Assert.Equal(DashboardState.RecordingLines, state.Recordings.Count);
        Assert.Equal("rec-2", Assert.IsType<RecordingStarted>(state.Recordings[0]).Id);
        Assert.EndsWith("recording rec-2 started: ssh session of coder from 127.0.0.1:5000", RecordingsPanel.Line(state.Recordings[0]), StringComparison.Ordinal);
        Assert.EndsWith("recording rec-6 ended: 2.0 KiB kept, 0 B dropped (the control plane was gone)", RecordingsPanel.Line(state.Recordings[^1]), StringComparison.Ordinal);
    }
}
