using System.Text.Json;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary><c>GET /api/v2/workspaceagents</c>: every agent of the workspace file, sorted by name, for a user token.</summary>
public sealed class AgentListEndpointSpecs : IAsyncLifetime
{
    private ControlPlaneHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync();

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task List_UserToken_AllAgentsSortedByNameWithStatusAndHostKeys()
    {
        var answer = await _harness.CurlAsync("api/v2/workspaceagents", "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");

        Assert.Equal(200, answer.Status);
        var agents = JsonDocument.Parse(answer.Body).RootElement.EnumerateArray().ToList();
        Assert.Equal(["main", "other"], agents.Select(agent => agent.GetProperty("name").GetString()));
        Assert.All(agents, agent => Assert.Equal("disconnected", agent.GetProperty("status").GetString()));
        Assert.All(agents, agent => Assert.Equal(JsonValueKind.Array, agent.GetProperty("ssh_host_keys").ValueKind));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("wrong-token")]
    [InlineData("0b6a4c1e-8d2f-4e5a-9c3b-1a2b3c4d5e6f")] // the main agent's token is not a user token
    public async Task List_NotAUserToken_401Json(string? token)
    {
        var answer = token is null
            ? await _harness.CurlAsync("api/v2/workspaceagents")
            : await _harness.CurlAsync("api/v2/workspaceagents", "-H", $"Coder-Session-Token: {token}");

        Assert.Equal(401, answer.Status);
        Assert.NotEmpty(answer.Message());
    }
}
