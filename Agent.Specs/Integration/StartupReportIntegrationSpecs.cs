using System.Text.Json;

namespace Agent.Specs.Integration;

[Trait("Category", "Integration")]
public sealed class StartupReportIntegrationSpecs
{
    public static TheoryData<string, string> Directories => new()
    {
        { string.Empty, string.Empty },
        { "~", "{home}" },
        { "coder/coder", "{home}/coder/coder" },
        { "$HOME", "{home}" },
    };

    [Theory]
    [MemberData(nameof(Directories))]
    public async Task ExpandedDirectory_Reported(string directory, string expected)
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(directory: directory));
        await harness.StartServerAsync();
        harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        var agent = await harness.GetAsync(string.Empty);

        Assert.Equal(expected.Replace("{home}", harness.Home, StringComparison.Ordinal), agent.GetProperty("expanded_directory").GetString());
        Assert.StartsWith("v", agent.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.Equal("connected", agent.GetProperty("status").GetString());
    }

    [Fact]
    public async Task GitAuthConfigs_OverridesVsCodeSettings()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(gitAuthConfigs: 1));
        await harness.StartServerAsync();
        harness.StartAgent();
        await harness.WaitForLifecycleAsync("ready");

        var settings = Path.Join(harness.Home, ".vscode-server", "data", "Machine", "settings.json");
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(settings));

        Assert.False(json.RootElement.GetProperty("git.useIntegratedAskPass").GetBoolean());
        Assert.False(json.RootElement.GetProperty("github.gitAuthentication").GetBoolean());
    }
}
