using System.Text.Json.Nodes;
using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>The <c>git_ssh_key</c> and <c>git_auth</c> fields of a workspace file.</summary>
public sealed class WorkspaceDefinitionGitSpecs
{
    [Fact]
    public void Parse_GitFields_ReadAndGitAuthConfigsOfEveryAgentIsTheirCount()
    {
        var workspace = WorkspaceDefinition.Parse(Json(new JsonArray(Provider("a", "^https://a"), Provider("b", "^https://b"), Provider("c", "^https://c"))));

        Assert.Equal(GitCredentialsEndpointsSpecs.PublicKey, workspace.GitSshKey!.PublicKey);
        Assert.Equal(["a", "b", "c"], workspace.GitAuth.Select(entry => entry.Id));
        Assert.Equal([3, 3], workspace.Agents.Select(agent => agent.Manifest.GitAuthConfigs));
    }

    [Fact]
    public void Parse_NoGitAuth_ManifestsValueKept()
    {
        var json = JsonNode.Parse(Json(new JsonArray()))!;
        json["agents"]![0]!["manifest"]!["git_auth_configs"] = 1;

        var workspace = WorkspaceDefinition.Parse(json.ToJsonString());

        Assert.Equal(1, workspace.Agents[0].Manifest.GitAuthConfigs);
    }

    [Theory]
    [InlineData("^https://(unclosed", "regex \"^https://(unclosed\" is not usable")]
    [InlineData(@"^(a)\1$", "is not usable")]
    [InlineData("", "regex is missing")]
    public void Parse_UnusableRegex_ClearErrorNamingTheEntry(string regex, string expected)
    {
        var failed = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Parse(Json(new JsonArray(Provider("github", regex)))));

        Assert.Contains("git_auth[0] (\"github\")", failed.Message, StringComparison.Ordinal);
        Assert.Contains(expected, failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RegexLongerThanTheLimit_Refused()
    {
        var failed = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Parse(Json(new JsonArray(Provider("x", new string('a', GitAuthProviders.MaxPatternLength + 1))))));

        Assert.Contains("longer than", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_RepeatedId_Refused()
    {
        var failed = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Parse(Json(new JsonArray(Provider("x", "a"), Provider("x", "b")))));

        Assert.Contains("the id is used by another entry", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_PrivateKeyNotPem_Refused()
    {
        var json = JsonNode.Parse(Json(new JsonArray()))!;
        json["git_ssh_key"]!["private_key"] = "not a key";

        var failed = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Parse(json.ToJsonString()));

        Assert.Contains("git_ssh_key.private_key", failed.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_PatternThatWouldBacktrackExponentially_AnswersAtOnce()
    {
        var providers = new GitAuthProviders([new GitAuthDefinition { Id = "slow", Regex = "^(a+)+$", Username = "u" }]);

        var started = System.Diagnostics.Stopwatch.StartNew();
        var found = providers.Find(new string('a', 2000) + "!", out var timedOut);

        Assert.Null(found);
        Assert.Null(timedOut);
        Assert.True(started.Elapsed < GitAuthProviders.MatchTimeout * 10, $"took {started.Elapsed}");
    }

    [Theory]
    [InlineData("(a{1000}){1000}")]
    [InlineData("((((a{50}){50}){50}){50})")]
    [InlineData("(.*a.*b.*c.*d.*e.*f.*g.*h){100}")]
    public void Parse_PatternsThatUnfoldHugely_RefusedOrReadyQuickly(string regex)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            var workspace = WorkspaceDefinition.Parse(Json(new JsonArray(Provider("big", regex))));
            _ = new GitAuthProviders(workspace.GitAuth).Find("https://" + new string('a', 2000), out _);
        }
        catch (WorkspaceDefinitionException refused)
        {
            Assert.Contains("is not usable", refused.Message, StringComparison.Ordinal);
        }

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(2), $"took {started.Elapsed}");
    }

    private static JsonObject Provider(string id, string regex)
        => new() { ["id"] = id, ["regex"] = regex, ["username"] = "user", ["password"] = "pass" };

    private static string Json(JsonArray gitAuth) => new JsonObject
    {
        ["user_tokens"] = new JsonArray("a-user-token-of-this-spec"),
        ["agents"] = new JsonArray(
            new JsonObject { ["name"] = "main", ["token"] = Guid.NewGuid().ToString(), ["manifest"] = new JsonObject() },
            new JsonObject { ["name"] = "other", ["token"] = Guid.NewGuid().ToString(), ["manifest"] = new JsonObject() }),
        ["git_ssh_key"] = new JsonObject { ["public_key"] = GitCredentialsEndpointsSpecs.PublicKey, ["private_key"] = GitCredentialsEndpointsSpecs.PrivateKey },
        ["git_auth"] = gitAuth,
    }.ToJsonString();
}
