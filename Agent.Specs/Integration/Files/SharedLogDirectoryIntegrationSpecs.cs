
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Files;

/// <summary>
/// The agent's log files in a directory another local user can write to (as the shared temp directory, mode 1777):
/// what that user planted at a log path is neither followed nor left theirs, and the script's output still reaches
/// the control plane.
/// </summary>
[Trait("Category", "Integration")]
public sealed class SharedLogDirectoryIntegrationSpecs
{
    private const UnixFileMode Sticky1777 = UnixFileMode.StickyBit
        | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const UnixFileMode Mode0644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public async Task LogFiles_SymlinksPlantedByAnotherUser_TargetsUntouchedAndOutputReported()
    {
        await using var other = await SecondUser.CreateAsync();
        await using var harness = new IntegrationHarness();
        using var shared = SharedDirectory();
        var scriptVictim = Victim(harness, "script-victim");
        var agentLogVictim = Victim(harness, "agent-log-victim");
        var planted = await other.RunAsync(
            $"ln -s {scriptVictim} {shared.Combine("agent-startup-script.log")} && ln -s {agentLogVictim} {shared.Combine("agent.log")}");
        Assert.True(planted.ExitCode == 0, planted.Error);
        harness.WriteWorkspace(Manifests.With(startupScript: "echo script-output"));
        await harness.StartServerAsync();

        harness.StartAgent("--log-dir", shared.Path);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
        Assert.Equal(["script-output"], await harness.LogLinesAsync());
        foreach (var victim in new[] { scriptVictim, agentLogVictim })
        {
            Assert.Equal("precious\n", await File.ReadAllTextAsync(victim));
            Assert.Equal(Mode0644, File.GetUnixFileMode(victim));
        }

        var scriptLog = new FileInfo(shared.Combine("agent-startup-script.log"));
        Assert.True(scriptLog.LinkTarget is null, harness.Agent!.Output);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, scriptLog.UnixFileMode);
        Assert.Equal("script-output\n", await File.ReadAllTextAsync(scriptLog.FullName));
        Assert.Null(new FileInfo(shared.Combine("agent.log")).LinkTarget);
        await harness.Agent!.WaitForOutputAsync($"Replaced {scriptLog.FullName}");
    }

    [Fact]
    public async Task ScriptLog_PreCreatedByAnotherUser_TheyCannotReadTheOutput()
    {
        await using var other = await SecondUser.CreateAsync();
        await using var harness = new IntegrationHarness();
        using var shared = SharedDirectory();
        var path = shared.Combine("agent-startup-script.log");
        var planted = await other.RunAsync($"echo theirs > {path} && chmod 666 {path}");
        Assert.True(planted.ExitCode == 0, planted.Error);
        harness.WriteWorkspace(Manifests.With(startupScript: "echo secret-output"));
        await harness.StartServerAsync();

        harness.StartAgent("--log-dir", shared.Path);

        Assert.Equal(["starting", "ready"], await harness.WaitForLifecycleAsync("ready"));
        Assert.Equal(["secret-output"], await harness.LogLinesAsync());
        var read = await other.RunAsync($"cat {path}");
        Assert.DoesNotContain("secret-output", read.Text, StringComparison.Ordinal);
    }

    // A directory like /tmp: world-writable with the sticky bit, outside the harness's private directory.
    private static TempDirectory SharedDirectory()
    {
        var directory = new TempDirectory();
        File.SetUnixFileMode(directory.Path, Sticky1777);
        return directory;
    }

    private static string Victim(IntegrationHarness harness, string name)
    {
        var path = harness.Combine(name);
        File.WriteAllText(path, "precious\n");
        File.SetUnixFileMode(path, Mode0644);
        return path;
    }
}
