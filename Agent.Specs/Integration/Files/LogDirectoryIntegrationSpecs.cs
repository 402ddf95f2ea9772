namespace Agent.Specs.Integration.Files;

/// <summary>Where the logs go when nothing names a log directory: a private directory under the user's state home.</summary>
[Trait("Category", "Integration")]
public sealed class LogDirectoryIntegrationSpecs
{
    [Fact]
    public async Task Run_NoLogDirectoryGiven_LogsInAPrivateDirectoryUnderTheStateHome()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "echo in-the-default"));
        await harness.StartServerAsync();

        harness.StartAgent(info =>
        {
            var option = info.ArgumentList.IndexOf("--log-dir");
            info.ArgumentList.RemoveAt(option);
            info.ArgumentList.RemoveAt(option);
            info.Environment.Remove("XDG_STATE_HOME");
            info.Environment.Remove("AGENT_LOG_DIR");
            info.Environment.Remove("CODER_AGENT_LOG_DIR");
        });

        await harness.WaitForLifecycleAsync("ready");
        var directory = Path.Join(harness.Home, ".local", "state", "agent", "logs");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(directory));
        Assert.Equal("in-the-default\n", await File.ReadAllTextAsync(Path.Join(directory, "agent-startup-script.log")));
        Assert.True(File.Exists(Path.Join(directory, "agent.log")));
    }
}
