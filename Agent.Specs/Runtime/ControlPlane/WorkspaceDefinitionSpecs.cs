using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

public sealed class WorkspaceDefinitionSpecs
{
    private const string Token = "0b6a4c1e-8d2f-4e5a-9c3b-1a2b3c4d5e6f";

    private const string DevUser = "dev-user-token-of-this-machine";
    private const string DevAgent = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Load_DemoWorkspaceWithTheDevTokens_IsValidAndComplete()
    {
        var workspace = WorkspaceDefinition.Load(WorkspaceDefinitionSpecsPaths.DemoWorkspace(), loaded => loaded.WithMissingTokens(null, DevUser, DevAgent));

        var agent = Assert.Single(workspace.Agents);
        Assert.Equal("main", agent.Name);
        Assert.Equal(DevAgent, agent.Token);
        Assert.Equal([DevUser], workspace.UserTokens);
        Assert.Equal(TimeSpan.FromSeconds(60), agent.Manifest.StartupScriptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(10), agent.Manifest.ShutdownScriptTimeout);
        Assert.Contains("python3 -m http.server 8000 --bind 127.0.0.1", agent.Manifest.StartupScript, StringComparison.Ordinal);
        var web = Assert.Single(agent.Manifest.Apps);
        Assert.Equal(("web", AppHealth.Initializing, 2, 3), (web.Slug, web.Health, web.Healthcheck.Interval, web.Healthcheck.Threshold));
        Assert.Equal([2L, 5L, 10L, 0L], agent.Manifest.Metadata.Select(item => item.Interval));
        Assert.Contains("Goodbye", agent.Manifest.ShutdownScript, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_DemoWorkspaceAlone_RefusedForItsMissingToken()
    {
        var failed = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Load(WorkspaceDefinitionSpecsPaths.DemoWorkspace()));

        Assert.Contains("agent \"main\": token is missing", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WithMissingTokens_FileHasItsOwnTokens_KeepsThem()
    {
        var json = """{"user_tokens":["mine"],"agents":[{"name":"main","token":"TOKEN","manifest":{}}]}""".Replace("TOKEN", Token, StringComparison.Ordinal);

        var workspace = WorkspaceDefinition.Parse(json).WithMissingTokens(null, DevUser, DevAgent);

        Assert.Equal(["mine"], workspace.UserTokens);
        Assert.Equal(Token, workspace.Agents[0].Token);
    }

    [Fact]
    public void WithMissingTokens_NamedAgent_OnlyThatAgentGetsTheToken()
    {
        var one = new WorkspaceAgentDefinition { Name = "one" };
        var two = new WorkspaceAgentDefinition { Name = "two" };

        var workspace = new WorkspaceDefinition { Agents = [one, two] }.WithMissingTokens("two", DevUser, DevAgent);

        Assert.Equal([string.Empty, DevAgent], workspace.Agents.Select(agent => agent.Token));
        Assert.Equal([DevUser], workspace.UserTokens);
    }

    [Fact]
    public void Load_MissingFile_SaysSo()
    {
        var failed = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Load("/nonexistent/workspace.json"));

        Assert.Contains("not found", failed.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"user_tokens":["u"],"agents":[{"name":"main","token":"nope","manifest":{}}]}""", "agent \"main\": token must be a UUID")]
    [InlineData("""{"user_tokens":["u"],"agents":[{"name":"main","token":"TOKEN","manifest":{}},{"name":"main","token":"1c7b5d2f-9e3a-4f6b-8d4c-2b3c4d5e6f70","manifest":{}}]}""", "agent \"main\": the name is used by another agent")]
    [InlineData("""{"user_tokens":["u"],"agents":[{"name":"main","token":"TOKEN","manifest":{"startup_script_timeout":"60s"}}]}""", "$.agents[0].manifest.startup_script_timeout")]
    [InlineData("""{"user_tokens":["u"],"agents":[{"nmae":"main","token":"TOKEN","manifest":{}}]}""", "nmae")]
    [InlineData("""{"user_tokens":["u"],"agents":[{"name":"main","token":"TOKEN","manifest":{"apps":[{"slug":"web"}]}}]}""", "agent \"main\": manifest.apps[0] (\"web\") needs an id")]
    [InlineData("""{"user_tokens":["u"],"agents":[{"name":"main","token":"TOKEN","manifest":{"metadata":[{"key":"a"},{"key":"a"}]}}]}""", "manifest.metadata[1] repeats the key \"a\"")]
    [InlineData("""{"user_tokens":["u"],"agents":[{"name":"me","token":"TOKEN","manifest":{}}]}""", "agents[0]: name \"me\"")]
    [InlineData("""{"user_tokens":["u"],"agents":[]}""", "at least one agent")]
    [InlineData("""{"user_tokens":[""],"agents":[{"name":"main","token":"TOKEN","manifest":{}}]}""", "user_tokens[0] is empty")]
    [InlineData("""{"user_tokens":["u"],"agents":[{"name":"main","token":"TOKEN"}""", "invalid JSON")]
    public void Parse_BadDefinition_SaysWhichFieldOfWhichAgent(string json, string expected)
    {
        var failed = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Parse(json.Replace("TOKEN", Token, StringComparison.Ordinal), "ws.json"));

        Assert.StartsWith("ws.json", failed.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failed.Message, StringComparison.Ordinal);
    }
}
