using System.Globalization;
using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Agent.Runtime.Commands.Monitor;

/// <summary>
/// The monitor's resources panel: each watched resource (memory, then the volumes) with its use, threshold and state,
/// <c>warning</c> in red with how long ago it turned. Paths from the agent are shown as plain text (<see cref="TerminalText"/>).
/// </summary>
public static class ResourcesPanel
{
    public static Panel Render(ResourcesChanged resources, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(resources);
        var table = new Table().Border(TableBorder.Simple).AddColumn("resource").AddColumn("used").AddColumn("threshold").AddColumn("state");
        foreach (var resource in resources.Resources)
        {
            var used = string.Create(CultureInfo.InvariantCulture, $"{resource.Percent:0.#}% ({DashboardFormat.Bytes(resource.Used)} of {DashboardFormat.Bytes(resource.Total)})");
            var warning = resource.State == ResourceState.Warning;
            var state = warning && resource.ChangedAt is { } since ? $"warning for {DashboardFormat.Duration(now - since)}" : warning ? "warning" : "ok";
            table.AddRow(
                new Text(TerminalText.Clean(resource.Resource)),
                new Text(used),
                new Text(string.Create(CultureInfo.InvariantCulture, $"{resource.Threshold}%")),
                new Text(state, new Style(warning ? Color.Red : Color.Green)));
        }

        IRenderable body = resources.Resources.Count == 0 ? new Text("nothing watched", new Style(Color.Grey)) : table;
        return new Panel(body) { Header = new PanelHeader("resources"), Expand = true, Border = BoxBorder.Rounded };
    }
}
