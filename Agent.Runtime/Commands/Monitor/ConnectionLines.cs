using System.Collections.Immutable;
using Agent.Reactive.Protocol;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>
/// The monitor's connections panel: the last <see cref="Kept"/> connection reports (open and close), one line each —
/// time, opened/closed, type, who, from where, what, and how it ended. Text only, control characters made visible.
/// </summary>
public static class ConnectionLines
{
    /// <summary>Reports kept for the panel.</summary>
    public const int Kept = 10;

    /// <summary><paramref name="lines"/> with <paramref name="report"/> added, the oldest dropped past <see cref="Kept"/>.</summary>
    public static ImmutableList<ConnectionReport> Add(ImmutableList<ConnectionReport> lines, ConnectionReport report)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var added = lines.Add(report);
        return added.Count > Kept ? added.RemoveRange(0, added.Count - Kept) : added;
    }

    /// <summary>One report as a line.</summary>
    public static string Line(ConnectionReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var from = report.Ip.Length == 0 ? "relay" : report.Ip;
        var who = report.User.Length == 0 ? report.Who : $"{report.User} ({report.Who})";
        var line = $"{DashboardFormat.Time(report.Timestamp)} {(report.Action == ConnectionActions.Connect ? "open " : "close")} {report.Type} {who} from {from}: {report.What}";
        return report.Action == ConnectionActions.Connect ? line : $"{line} — {Ending(report)}";
    }

    /// <summary>The panel of <paramref name="lines"/>.</summary>
    public static Panel Panel(IReadOnlyList<ConnectionReport> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        IRenderable body = lines.Count == 0
            ? new Text("no connections yet", new Style(Color.Grey))
            : new Rows(lines.Select(report => new Text(TerminalText.Clean(Line(report)))));
        return new Panel(body) { Header = new PanelHeader($"connections (last {Kept})"), Expand = true, Border = BoxBorder.Rounded };
    }

    private static string Ending(ConnectionReport report)
    {
        var ending = report.Signal is { } signal ? $"signal {signal}" : report.Reason ?? $"exit {report.StatusCode}";
        return report.FileOperations is { Count: > 0 } operations ? $"{ending}, {operations.Count + report.FileOperationsDropped} file operations" : ending;
    }
}
