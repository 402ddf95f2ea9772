using System.Text.RegularExpressions;

namespace Agent.Specs.Integration.Files;

/// <summary>What a script inherits from the agent: Coder's two variables of the agent's settings, and no descriptor above 2.</summary>
[Trait("Category", "Integration")]
public sealed partial class ChildProcessIntegrationSpecs
{
    [Fact]
    public async Task Script_AgentSettingsInTheAgentsEnvironment_OnlyCodersContractReachesIt()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "env"));
        await harness.StartServerAsync();

        harness.StartAgent(info =>
        {
            info.Environment["AGENT_USER_TOKEN"] = "user-secret";
            info.Environment["AGENT_TOKEN_FILE"] = "/nonexistent/token";
            info.Environment["CODER_AGENT_URL"] = harness.Url.ToString();
        });

        await harness.WaitForLifecycleAsync("ready");
        var environment = await harness.LogLinesAsync();
        Assert.DoesNotContain(environment, line => line.StartsWith("AGENT_", StringComparison.Ordinal));
        Assert.DoesNotContain(environment, line => line.Contains("user-secret", StringComparison.Ordinal));
        Assert.Contains($"CODER_AGENT_URL={harness.Url}", environment);
        Assert.Contains($"CODER_AGENT_TOKEN={harness.AgentToken}", environment);
    }

    [Fact]
    public async Task Script_AgentHoldsAnInheritedDescriptor_ChildHasOnlyItsStandardStreams()
    {
        await using var harness = new IntegrationHarness();
        harness.WriteWorkspace(Manifests.With(startupScript: "ls -l /proc/self/fd"));
        await harness.StartServerAsync();

        // The agent starts with fd 7 open and inheritable, as a careless supervisor would leave it.
        harness.StartAgent(info =>
        {
            info.ArgumentList.Insert(0, info.FileName);
            info.ArgumentList.Insert(0, "exec 7</etc/hostname; exec \"$0\" \"$@\"");
            info.ArgumentList.Insert(0, "-c");
            info.FileName = "/bin/bash";
        });

        await harness.WaitForLifecycleAsync("ready");
        var descriptors = (await harness.LogLinesAsync())
            .Select(line => FdEntry().Match(line))
            .Where(match => match.Success)
            .ToDictionary(match => int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), match => match.Groups[2].Value);
        Assert.Contains(0, descriptors.Keys);
        var extra = descriptors.Where(entry => entry.Key > 2 && !entry.Value.StartsWith("/proc/", StringComparison.Ordinal)).ToList();
        Assert.True(extra.Count == 0, "inherited: " + string.Join(", ", extra.Select(entry => $"{entry.Key} -> {entry.Value}")));
    }

    // "lr-x------ 1 root root 64 Dec  4 16:20 3 -> /proc/1234/fd": ls's own directory is the one allowed above 2.
    [GeneratedRegex(@"\s(\d+) -> (.+)$")]
    private static partial Regex FdEntry();
}
