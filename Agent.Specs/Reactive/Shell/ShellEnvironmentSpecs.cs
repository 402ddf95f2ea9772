using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Reactive.Shell;

namespace Agent.Specs.Reactive.Shell;

public sealed class ShellEnvironmentSpecs
{
    private static readonly Dictionary<string, string> AgentVariables = new() { ["HOME"] = "/home/coder", ["GOPATH"] = "/go" };

    private static readonly AgentEnvironment Environment = new(
        "/home/coder",
        name => AgentVariables.GetValueOrDefault(name),
        "v0.1.0",
        string.Empty,
        "/tmp",
        @"C:\tools\agent.exe",
        "coder");

    private static readonly Manifest Manifest = new()
    {
        VsCodePortProxyUri = "https://{{port}}.proxy.example",
        EnvironmentVariables = new Dictionary<string, string>
        {
            ["PATH_EXTRA"] = "$HOME/bin:${GOPATH}/bin",
            ["EMPTY"] = "$SOMETHINGNOTSET",
        },
    };

    [Fact]
    public void Build_NoClient_ListsEntriesInReferenceOrder()
    {
        var result = ShellEnvironment.Build(Manifest, Environment, "token-1");

        Assert.Equal(
            [
                Pair("CODER", "true"),
                Pair("USER", "coder"),
                Pair("GIT_SSH_COMMAND", "C:/tools/agent.exe gitssh --"),
                Pair("CODER_AGENT_TOKEN", "token-1"),
                Pair("SSH_CLIENT", "0.0.0.0 0 0"),
                Pair("SSH_CONNECTION", "0.0.0.0 0 0.0.0.0 0"),
                Pair("VSCODE_PROXY_URI", "https://{{port}}.proxy.example"),
                Pair("CS_DISABLE_GETTING_STARTED_OVERRIDE", "true"),
                Pair("PATH_EXTRA", "/home/coder/bin:/go/bin"),
                Pair("EMPTY", string.Empty),
                Pair("GIT_ASKPASS", @"C:\tools\agent.exe"),
            ],
            result);
    }

    [Fact]
    public void Build_ClientEnvironment_ComesFirstWithoutSessionType()
    {
        var client = new[] { Pair("LANG", "C.UTF-8"), Pair("CODER_SSH_SESSION_TYPE", "vscode"), Pair("CODER", "false") };

        var result = ShellEnvironment.Build(Manifest, Environment, "t", client);

        Assert.Equal([Pair("LANG", "C.UTF-8"), Pair("CODER", "false"), Pair("CODER", "true")], result.Take(3));
        Assert.DoesNotContain(result, pair => pair.Key == "CODER_SSH_SESSION_TYPE");
    }

    [Fact]
    public void Build_ClientAddresses_ReplacePlaceholders()
    {
        var result = ShellEnvironment.Build(Manifest, Environment, "t", null, ("10.0.0.2 5000 22", "10.0.0.2 5000 10.0.0.1 22"));

        Assert.Contains(Pair("SSH_CLIENT", "10.0.0.2 5000 22"), result);
        Assert.Contains(Pair("SSH_CONNECTION", "10.0.0.2 5000 10.0.0.1 22"), result);
        Assert.DoesNotContain(Pair("SSH_CLIENT", "0.0.0.0 0 0"), result);
    }

    [Fact]
    public void Build_ManifestVariableNamedLikeFixedEntry_ComesLaterSoItWins()
    {
        var manifest = Manifest with { EnvironmentVariables = new Dictionary<string, string> { ["CODER"] = "custom" } };

        var result = ShellEnvironment.Build(manifest, Environment, "t");

        var coder = result.Where(pair => pair.Key == "CODER").Select(pair => pair.Value).ToList();
        Assert.Equal(["true", "custom"], coder);
        Assert.Equal("GIT_ASKPASS", result[^1].Key);
    }

    [Fact]
    public void Build_AgentKnowsItsUrl_ChildrenGetCoderAgentUrlBeforeTheToken()
    {
        var result = ShellEnvironment.Build(Manifest, Environment with { ControlPlaneUrl = new Uri("http://127.0.0.1:7080") }, "t");

        var url = result.ToList().FindIndex(pair => pair.Key == "CODER_AGENT_URL");
        Assert.Equal("http://127.0.0.1:7080/", result[url].Value);
        Assert.Equal("CODER_AGENT_TOKEN", result[url + 1].Key);
    }

    [Fact]
    public void Build_AgentUnderDotnet_GitSshCommandIsTheQuotedHostAndDllAndAskPassTheWrapper()
    {
        var environment = Environment with
        {
            ExecutablePath = "/data dir/git-askpass",
            ShellCommand = "/usr/share/dotnet/dotnet '/opt/my agent/agent.dll'",
        };

        var result = ShellEnvironment.Build(Manifest, environment, "t");

        Assert.Contains(Pair("GIT_SSH_COMMAND", "/usr/share/dotnet/dotnet '/opt/my agent/agent.dll' gitssh --"), result);
        Assert.Equal(Pair("GIT_ASKPASS", "/data dir/git-askpass"), result[^1]);
    }

    [Fact]
    public void Build_BinaryPathWithASpace_GitSshCommandQuotesIt()
    {
        var result = ShellEnvironment.Build(Manifest, Environment with { ExecutablePath = "/opt/my tools/agent" }, "t");

        Assert.Contains(Pair("GIT_SSH_COMMAND", "'/opt/my tools/agent' gitssh --"), result);
        Assert.Equal(Pair("GIT_ASKPASS", "/opt/my tools/agent"), result[^1]);
    }

    private static KeyValuePair<string, string> Pair(string key, string value) => new(key, value);
}
