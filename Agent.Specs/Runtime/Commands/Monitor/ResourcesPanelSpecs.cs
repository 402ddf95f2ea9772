using Agent.Reactive.Monitoring;
using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Monitor;
using Agent.Runtime.Relay.Sse;
using Spectre.Console;

namespace Agent.Specs.Runtime.Commands.Monitor;

/// <summary><c>agent monitor</c>'s resources panel, drawn from the <c>resources</c> event.</summary>
public sealed class ResourcesPanelSpecs
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_ResourcesEvent_ShowsEachResourceWithUseThresholdAndState()
    {
        var resources = new ResourcesChanged(T0, [
            new ResourceStatus { Resource = "memory", Kind = ResourceStatus.MemoryKind, Used = 512 << 20, Total = 1024 << 20, Threshold = 90 },
            new ResourceStatus { Resource = "/home/\u001b[31mcoder", Kind = ResourceStatus.VolumeKind, Used = 95, Total = 100, Threshold = 80, State = ResourceState.Warning, ChangedAt = T0 },
        ]);
        var state = DashboardState.Empty.Apply(new EventStreamStatus(T0, EventStreamState.Connected)).Apply(resources);

        var text = RenderText(state, T0.AddSeconds(75));

        Assert.Contains("resources", text, StringComparison.Ordinal);
        Assert.Contains("memory", text, StringComparison.Ordinal);
        Assert.Contains("50% (512.0 MiB of 1.0 GiB)", text, StringComparison.Ordinal);
        Assert.Contains("90%", text, StringComparison.Ordinal);
        Assert.Contains("warning for 1 m 15 s", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_NoResourcesEvent_HasNoResourcesPanel()
    {
        var state = DashboardState.Empty.Apply(new EventStreamStatus(T0, EventStreamState.Connected));

        Assert.DoesNotContain("resources", RenderText(state, T0), StringComparison.Ordinal);
    }

    private static string RenderText(DashboardState state, DateTimeOffset now)
    {
        var output = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        console.Profile.Width = 200;
        console.Write(DashboardRenderer.Render(state, "main", now));
        return output.ToString();
    }
}
