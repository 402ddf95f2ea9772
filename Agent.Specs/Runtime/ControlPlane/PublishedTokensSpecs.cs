using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Agent.Runtime.ControlPlane;
using Agent.Specs.Integration;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>
/// Every token this repository shows (README.md, the example workspaces) is either absent from workspace files or
/// refused by them: a token anyone can read must not open anyone's workspace.
/// </summary>
public sealed partial class PublishedTokensSpecs
{
    public static TheoryData<string> TokensInTheRepository()
    {
        var tokens = new SortedSet<string>(StringComparer.Ordinal);
        var readme = File.ReadAllText(Path.Join(AgentBinary.RepositoryRoot, "README.md"));
        foreach (Match match in TokenInText().Matches(readme))
        {
            var token = match.Groups["token"].Value;
            if (!IsPlaceholder(token))
                tokens.Add(token);
        }

        foreach (var file in Directory.EnumerateFiles(Path.Join(AgentBinary.RepositoryRoot, "examples"), "*.json", SearchOption.AllDirectories))
        {
            var workspace = JsonNode.Parse(File.ReadAllText(file))!;
            foreach (var user in workspace["user_tokens"]?.AsArray() ?? [])
                tokens.Add(user!.GetValue<string>());
            foreach (var agent in workspace["agents"]?.AsArray() ?? [])
            {
                if (agent?["token"] is { } token)
                    tokens.Add(token.GetValue<string>());
            }
        }

        // The tokens examples/demo-workspace.json carried until issue 9, which copies of it still carry.
        tokens.Add("demo-user-token-5b0f3c1e");
        tokens.Add("7c9e6679-7425-40de-944b-e07fc1f90ae7");
        return [.. tokens];
    }

    [Fact]
    public void DemoWorkspace_CarriesNoToken()
    {
        var workspace = JsonNode.Parse(File.ReadAllText(WorkspaceDefinitionSpecsPaths.DemoWorkspace()))!;

        Assert.Null(workspace["user_tokens"]);
        Assert.All(workspace["agents"]!.AsArray(), agent => Assert.Null(agent!["token"]));
    }

    [Theory]
    [MemberData(nameof(TokensInTheRepository))]
    public void WorkspaceFile_TokenShownInTheRepository_IsRefused(string token)
    {
        var asUser = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Parse(Workspace(token, Guid.NewGuid().ToString()), "ws.json"));
        Assert.Contains("user_tokens[0] is published", asUser.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(token, asUser.Message, StringComparison.Ordinal);
        if (Guid.TryParse(token, out var uuid))
        {
            foreach (var spelling in new[] { token, uuid.ToString("N"), uuid.ToString("B").ToUpperInvariant() })
            {
                var asAgent = Assert.Throws<WorkspaceDefinitionException>(() => WorkspaceDefinition.Parse(Workspace("a-user-token-of-mine", spelling), "ws.json"));
                Assert.Contains("agent \"main\": the token is published", asAgent.Message, StringComparison.Ordinal);
            }
        }
    }

    private static string Workspace(string userToken, string agentToken)
        => new JsonObject
        {
            ["user_tokens"] = new JsonArray(userToken),
            ["agents"] = new JsonArray(new JsonObject { ["name"] = "main", ["token"] = agentToken, ["manifest"] = new JsonObject() }),
        }.ToJsonString();

    /// <summary><c>TOKEN</c>, <c>USER_TOKEN</c>, <c>T</c>, <c>&lt;token&gt;</c>, <c>$AGENT_TOKEN</c>: words standing for a token.</summary>
    private static bool IsPlaceholder(string token)
        => token.All(c => char.IsAsciiLetterUpper(c) || c == '_') || token.StartsWith('<') || token.StartsWith('$') || token.StartsWith('{');

    /// <summary>A token after <c>--token</c>, <c>Coder-Session-Token:</c>, <c>coder_session_token=</c> or <c>token=</c>.</summary>
    [GeneratedRegex("""(?:--token[ =]|Coder-Session-Token: |coder_session_token=|[?&]token=|"token": ")(?<token>[^\s'"&)`|]+)""")]
    private static partial Regex TokenInText();
}
