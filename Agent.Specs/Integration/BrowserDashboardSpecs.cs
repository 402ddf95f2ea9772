using System.Text.Json.Nodes;

namespace Agent.Specs.Integration;

/// <summary>
/// A person at the dashboard in headless Chromium (<see cref="DashboardFixture"/>: one <c>agent dev</c>, one browser run,
/// each spec one step of it): sign-in with the printed URL, the list turning ready live, the agent page's logs,
/// metadata, app link, keyboard tabs, two terminals, the connections they made and their recordings replayed, workspace text that looks like HTML, both widths and schemes,
/// and the stale banner once the server stops.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BrowserDashboardSpecs : IClassFixture<DashboardFixture>
{
    private readonly DashboardFixture _dashboard;

    public BrowserDashboardSpecs(DashboardFixture dashboard) => _dashboard = dashboard;

    [Fact]
    public void PrintedLoginUrl_Opened_SignsInWithAnHttpOnlyStrictCookieAndDropsTheToken()
    {
        var step = _dashboard.Step("signIn");

        Assert.Equal($"http://127.0.0.1:{_dashboard.Port}/", Text(step, "url"));
        var cookie = step["cookie"]!.AsObject();
        Assert.True(cookie["httpOnly"]!.GetValue<bool>());
        Assert.Equal("Strict", Text(cookie, "sameSite"));
    }

    [Fact]
    public void ListPage_AgentStarting_TurnsReadyWithoutReload()
    {
        var step = _dashboard.Step("listTurnsReady");

        Assert.Contains(Text(step, "first"), new[] { "created", "starting" });
        Assert.Equal("ready", Text(step, "last"));
        Assert.Equal(0, step["navigations"]!.GetValue<int>());
    }

    [Fact]
    public void AgentPage_Opened_ShowsAStartupLogLine()
    {
        var step = _dashboard.Step("agentPageLogLine");

        Assert.Equal($"http://127.0.0.1:{_dashboard.Port}/agents/{IntegrationHarness.AgentName}", Text(step, "url"));
        Assert.Contains("dashboard startup line", step["lines"]!.AsArray().Select(line => line!.GetValue<string>()));
    }

    [Fact]
    public void AgentPage_ArrowKeyOnATab_SelectsAndFocusesTheNextTab()
    {
        var step = _dashboard.Step("keyboardTabs");

        Assert.Equal("tab-overview", Text(step, "focused"));
        Assert.Equal("true", Text(step, "selected"));
        Assert.True(step["overviewShown"]!.GetValue<bool>());
    }

    [Fact]
    public void AgentPage_VolumeOverItsThreshold_ResourcesPanelAndListBadgeShowWarning()
    {
        var step = _dashboard.Step("resourcesWarning");

        Assert.EndsWith("home", Text(step, "resource"), StringComparison.Ordinal);
        Assert.Equal("warning", Text(step, "state"));
        Assert.Equal("warning", Text(step, "badge"));
    }

    [Fact]
    public void AgentPage_MetadataCollectedAgain_ValueChangesWithoutReload()
    {
        var step = _dashboard.Step("metadataChangesLive");

        Assert.NotEqual(Text(step, "before"), Text(step, "after"));
        Assert.Equal("not reloaded", Text(step, "marker"));
    }

    [Fact]
    public void AgentPage_LogLineAndMetadataLookingLikeHtml_ShownAsText()
    {
        var step = _dashboard.Step("hostileTextShownAsText");

        Assert.Equal(DashboardFixture.HostileText, Text(step, "metadata"));
        Assert.Equal(DashboardFixture.HostileText, Text(step, "log"));
        Assert.Equal(0, step["images"]!.GetValue<int>());
        Assert.Null(step["ran"]);
    }

    [Fact]
    public void LogsTab_SecondSourcePicked_ShowsOnlyItsLineAndAllLabelsEachLineWithItsSource()
    {
        var step = _dashboard.Step("logSourcePicker");
        string[] Lines(string name) => [.. step[name]!.AsArray().Select(line => line!.GetValue<string>())];

        Assert.Equal("Second Source", Text(step, "labelInAll"));
        Assert.True(step["labelShownInAll"]!.GetValue<bool>());
        Assert.Equal("All", Lines("options")[0]);
        Assert.Contains("Second Source (1)", Lines("options"));
        Assert.Equal(["dashboard second source line"], Lines("picked"));
        Assert.False(step["labelShownWhenPicked"]!.GetValue<bool>());
        Assert.Contains("dashboard startup line", Lines("allAgain"));
        Assert.Contains("dashboard second source line", Lines("allAgain"));
    }

    [Fact]
    public void AgentPage_MetadataScriptFails_ErrorMarked()
    {
        var step = _dashboard.Step("metadataError");

        Assert.Equal("Error: run cmd: exit status 3", Text(step, "text"));
        Assert.Equal("warn", Text(step, "className"));
    }

    [Fact]
    public void AgentPage_AppOnLocalhostPort_LinksThroughThePortProxy()
    {
        var step = _dashboard.Step("appLink");

        Assert.Equal($"http://{_dashboard.AppPort}--{IntegrationHarness.AgentName}.localhost:{_dashboard.Port}/", Text(step, "href"));
    }

    [Fact]
    public void AgentPage_AppLinkClicked_OpensTheAppThroughThePortProxy()
    {
        var step = _dashboard.Step("appOpen");

        Assert.Equal($"http://{_dashboard.AppPort}--{IntegrationHarness.AgentName}.localhost:{_dashboard.Port}/", Text(step, "url"));
        Assert.Equal(DashboardFixture.AppPageText, Text(step, "text"));
    }

    [Fact]
    public void TerminalTabs_CommandInEach_EachRunsInItsOwnShellWithoutATokenInTheUrl()
    {
        var step = _dashboard.Step("terminals");
        var first = step["first"]!.AsObject();
        var second = step["second"]!.AsObject();
        var again = step["again"]!.AsObject();

        Assert.True(first["seen"]!.GetValue<bool>(), "the first terminal never showed dashboard-first-42");
        Assert.True(second["seen"]!.GetValue<bool>(), "the second terminal never showed dashboard-second-42");
        Assert.True(again["seen"]!.GetValue<bool>(), "the first terminal did not run a command after the second opened");
        Assert.NotEqual(Text(first, "id"), Text(second, "id"));
        Assert.Equal(Text(first, "id"), Text(again, "id"));
        Assert.False(step["secondShowsFirst"]!.GetValue<bool>(), "the second terminal shows the first one's output");
        Assert.DoesNotContain("token", Text(first, "url"), StringComparison.Ordinal);
        Assert.EndsWith("&slot=2", Text(second, "url"), StringComparison.Ordinal);
    }

    [Fact]
    public void ConnectionsTab_AfterTheTerminalsOpened_ListsAWebTerminalConnection()
    {
        var step = _dashboard.Step("connectionsTab");
        var rows = step["rows"]!.AsArray().Select(row => row!.AsObject()).ToList();

        Assert.True(step["shown"]!.GetValue<bool>(), "the Connections panel is not shown");
        Assert.Contains(rows, row => Text(row, "type") == "reconnecting_pty");
        Assert.All(rows, row => Assert.False(string.IsNullOrEmpty(Text(row, "ended")), "a row shows neither its end nor \"open\""));
    }

    [Fact]
    public void RecordingsTab_TerminalsRecorded_ListsThemAndPlaysTheFirstOnesOutput()
    {
        var step = _dashboard.Step("recordings");

        Assert.Equal(["terminal", "terminal"], step["kinds"]!.AsArray().Select(kind => kind!.GetValue<string>()).Take(2));
        Assert.StartsWith($"/api/v2/workspaceagents/{IntegrationHarness.AgentName}/recordings/", Text(step, "download"), StringComparison.Ordinal);
        Assert.True(step["seen"]!.GetValue<bool>(), "the player never showed dashboard-first-42");
        Assert.Matches(@"^\d+\.\ds / \d+\.\ds$", Text(step, "position"));
    }

    [Fact]
    public void Pages_At360And1920PixelsLightAndDark_ScreenshotsWithoutSidewaysScrolling()
    {
        var taken = _dashboard.Step("screenshots")["taken"]!.AsArray();

        Assert.Equal(8, taken.Count);
        foreach (var shot in taken.Select(node => node!.AsObject()))
        {
            Assert.True(File.Exists(Text(shot, "file")), Text(shot, "file"));
            Assert.True(shot["overflow"]!.GetValue<int>() <= 0, $"{Text(shot, "file")} scrolls sideways by {shot["overflow"]} px");
        }
    }

    [Fact]
    public void SignOutButton_Clicked_EndsTheSessionAndPagesSendToSignIn()
    {
        var step = _dashboard.Step("signOut");

        Assert.Null(step["cookie"]);
        Assert.Equal($"/login?next=%2Fagents%2F{IntegrationHarness.AgentName}", Text(step, "landed"));
    }

    [Fact]
    public void AgentPage_ServerStops_SaysItIsStaleAndMarksOldMetadataStale()
    {
        var step = _dashboard.Step("staleWhenServerStops");

        Assert.StartsWith("Stale: live updates lost at", Text(step, "text"), StringComparison.Ordinal);
        Assert.True(step["clockStale"]!.GetValue<bool>());
    }

    [Fact]
    public void Pages_WholeRun_NoScriptErrors()
    {
        var errors = _dashboard.Report["pageErrors"]!.AsArray().Select(error => error!.GetValue<string>()).ToList();

        Assert.True(errors.Count == 0, string.Join('\n', errors));
    }

    private static string Text(JsonObject step, string name) => step[name]?.GetValue<string>() ?? string.Empty;
}
