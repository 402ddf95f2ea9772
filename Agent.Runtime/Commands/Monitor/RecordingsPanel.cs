using System.Globalization;
using Agent.Reactive.Monitoring;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>The monitor's "recordings" section: one line per session recording started or ended, as plain cleaned text.</summary>
internal static class RecordingsPanel
{
    public static IRenderable Render(DashboardState state)
    {
        var rows = state.Recordings.Select(Line).Select(text => (IRenderable)new Text(TerminalText.Clean(text))).ToList();
        IRenderable body = rows.Count == 0 ? new Text("no session recorded", new Style(Color.Grey)) : new Rows(rows);
        return new Panel(body) { Header = new PanelHeader("recordings"), Expand = true, Border = BoxBorder.Rounded };
    }

    /// <summary>The line for a recording's start or end.</summary>
    public static string Line(AgentEvent recording) => recording switch
    {
        RecordingStarted started => $"{DashboardFormat.Time(started.At)} recording {started.Id} started: {started.Kind} session of {started.Who}",
        RecordingEnded ended => string.Create(
            CultureInfo.InvariantCulture,
            $"{DashboardFormat.Time(ended.At)} recording {ended.Id} ended: {DashboardFormat.Bytes(ended.Bytes)} kept, {DashboardFormat.Bytes(ended.DroppedBytes)} dropped{(ended.Failure is { } failure ? $" ({failure})" : string.Empty)}"),
        _ => string.Empty,
    };
}
