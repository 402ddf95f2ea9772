using System.Net.Http.Json;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration;

/// <summary>
/// Where <c>agent server</c> keeps its database (<c>--database</c>, <c>AGENT_DATABASE_URL</c>, <c>--data-dir</c> and its
/// default under <c>XDG_DATA_HOME</c>), and how it refuses a database it cannot use, run as README documents it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ControlPlaneDatabaseOptionsSpecs
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task AgentDatabaseUrl_SqliteFile_HoldsTheStateAcrossARestartWithDatabaseOption()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        var file = harness.Combine("env", "state.db");
        var first = await harness.StartServerAsync(new Dictionary<string, string> { ["AGENT_DATABASE_URL"] = $"sqlite:{file}" });
        await PostLifecycleAsync(harness, "starting");
        first.Signal("TERM");
        Assert.Equal(0, await first.WaitForExitAsync());

        await harness.StartServerAsync("--database", $"sqlite:{file}");

        Assert.True(File.Exists(file));
        Assert.False(Directory.Exists(harness.ServerDataDirectory));
        Assert.Equal(["starting"], await harness.LifecycleStatesAsync());
    }

    [Fact]
    public async Task DataDirectory_NotGiven_IsUnderXdgDataHome()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        var dataHome = harness.Combine("xdg");
        var info = AgentBinary.StartInfo("server", "--address", $"127.0.0.1:{harness.Port}", "--workspace", harness.WorkspaceFile);
        info.Environment["HOME"] = harness.Home;
        info.Environment["XDG_DATA_HOME"] = dataHome;
        using var server = RunningProcess.Start(info, "agent server");
        await server.WaitForOutputAsync("Control plane listening");

        var database = Path.Join(dataHome, "agent", "server", "control-plane.db");
        Assert.True(File.Exists(database), server.Output);
        Assert.Equal(OwnerOnly, File.GetUnixFileMode(database));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(Path.GetDirectoryName(database)!));
        Assert.False(Directory.Exists(Path.Join(harness.Home, ".local")));
        server.Signal("TERM");
        Assert.Equal(0, await server.WaitForExitAsync());
    }

    [Theory]
    [InlineData("--database", "mysql://user@127.0.0.1/agent", "agent server: --database: not a database URL")]
    [InlineData("AGENT_DATABASE_URL", "sqlite:", "agent server: AGENT_DATABASE_URL: ")]
    public async Task Database_NotADatabaseUrl_Exit2SayingWhichSetting(string setting, string value, string message)
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        string[] arguments = ["server", "--address", $"127.0.0.1:{harness.Port}", "--workspace", harness.WorkspaceFile, "--data-dir", harness.ServerDataDirectory];
        var run = setting.StartsWith("--", StringComparison.Ordinal)
            ? await AgentBinary.RunAsync([.. arguments, setting, value])
            : await AgentBinary.RunAsync(arguments, new Dictionary<string, string> { [setting] = value });

        Assert.Equal(2, run.ExitCode);
        Assert.StartsWith(message, run.Error, StringComparison.Ordinal);
        Assert.False(Directory.Exists(harness.ServerDataDirectory));
    }

    [Fact]
    public async Task Database_CannotBeOpened_Exit1NamingItAndNothingListens()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        var blocker = harness.Combine("a-file");
        await File.WriteAllTextAsync(blocker, "not a directory");

        var run = await AgentBinary.RunAsync(
            ["server", "--address", $"127.0.0.1:{harness.Port}", "--workspace", harness.WorkspaceFile, "--database", $"sqlite:{blocker}/state.db"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains($"agent server: cannot use the database sqlite:{blocker}/state.db", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Control plane listening", run.Text + run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentDev_DataDirectory_HoldsTheDatabaseBesideTheDevTokens()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With());
        var data = harness.Combine("dev-data");

        await harness.StartDevAsync("--data-dir", data);

        Assert.True(File.Exists(Path.Join(data, "dev", "control-plane.db")));
    }

    private static async Task PostLifecycleAsync(IntegrationHarness harness, string state)
    {
        using var http = new HttpClient { BaseAddress = harness.Url };
        http.DefaultRequestHeaders.Add("Coder-Session-Token", harness.AgentToken);
        using var answer = await http.PostAsJsonAsync("api/v2/workspaceagents/me/report-lifecycle", new { state, changed_at = "2023-06-06T12:00:00Z" });
        Assert.Equal(System.Net.HttpStatusCode.NoContent, answer.StatusCode);
    }
}
