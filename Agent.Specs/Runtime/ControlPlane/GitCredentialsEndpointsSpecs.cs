using System.Text.Json;
using Agent.Reactive.Effects;
using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

/// <summary><c>me/gitsshkey</c> and <c>me/gitauth</c> of the embedded control plane, driven by real <c>curl</c> and the agent's client.</summary>
public sealed class GitCredentialsEndpointsSpecs : IAsyncLifetime
{
    public const string PublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJd7Xz2w7bN0Zb5oE3I2nq5b0Lq0f1r8n4nB1F9aQm6y spec";
    public const string PrivateKey = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\n";
    private const string Me = "api/v2/workspaceagents/me/";
    private ControlPlaneHarness _harness = null!;

    public static WorkspaceDefinition Workspace() => ControlPlaneHarness.Workspace() with
    {
        GitSshKey = new GitSshKeyDefinition { PublicKey = PublicKey, PrivateKey = PrivateKey },
        GitAuth =
        [
            new GitAuthDefinition { Id = "github", Regex = @"^https://github\.com(/.*)?$", Username = "ghp_token0123", Password = string.Empty },
            new GitAuthDefinition { Id = "internal", Regex = @"^https?://git\.internal(:\d+)?(/.*)?$", Username = "builder", Password = "s3cret-pass" },
        ],
    };

    public async Task InitializeAsync() => _harness = await ControlPlaneHarness.StartAsync(workspace: Workspace());

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task GitSshKey_AgentToken_CodersShapeNotToBeStored()
    {
        var answer = await _harness.CurlAsAgentAsync("GET", Me + "gitsshkey");

        Assert.Equal(200, answer.Status);
        using var document = JsonDocument.Parse(answer.Body);
        Assert.Equal(PublicKey, document.RootElement.GetProperty("public_key").GetString());
        Assert.Equal(PrivateKey, document.RootElement.GetProperty("private_key").GetString());
        Assert.Contains(_harness.Logs.Messages, message => message.Contains("served the git SSH key", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GitSshKey_AnotherAgentOfTheWorkspace_GetsTheSameOwnersKey()
    {
        var key = await _harness.Agent(ControlPlaneHarness.OtherToken).GetGitSshKeyAsync(CancellationToken.None);

        Assert.Equal(new GitSshKey(PublicKey, PrivateKey), key);
    }

    [Theory]
    [InlineData("gitsshkey")]
    [InlineData("gitauth?url=https://github.com")]
    public async Task GitEndpoints_UserTokenOrNoToken_401AndNoSecret(string path)
    {
        var asUser = await _harness.CurlAsync(Me + path, "-H", $"Coder-Session-Token: {ControlPlaneHarness.UserToken}");
        var anonymous = await _harness.CurlAsync(Me + path);

        Assert.Equal((401, 401), (asUser.Status, anonymous.Status));
        Assert.DoesNotContain("PRIVATE KEY", asUser.Body + anonymous.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("ghp_token0123", asUser.Body + anonymous.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitAuth_UrlOfAProvider_ItsCredentialsAndAnEmptySignInUrl()
    {
        var answer = await _harness.Agent().GetGitAuthAsync("http://git.internal:8080", CancellationToken.None);

        Assert.Equal(new GitAuthResponse("builder", "s3cret-pass", string.Empty), answer);
    }

    [Fact]
    public async Task GitAuth_UrlWithAUserPart_MatchedWithoutItAndNotLogged()
    {
        var answer = await _harness.CurlAsAgentAsync("GET", Me + "gitauth?url=" + Uri.EscapeDataString("https://octocat:hunter2@github.com"));

        Assert.Equal(200, answer.Status);
        Assert.Equal("ghp_token0123", JsonSerializer.Deserialize(answer.Body, AgentJsonContext.Default.GitAuthResponse)!.Username);
        var ours = _harness.Logs.Messages.Where(message => message.Contains(" Agent.Runtime.", StringComparison.Ordinal)).ToList();
        Assert.Contains(ours, message => message.Contains("for https://github.com", StringComparison.Ordinal));
        Assert.DoesNotContain(ours, message => message.Contains("hunter2", StringComparison.Ordinal) || message.Contains("octocat", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GitAuth_NoProviderMatches_404NamingTheProviders()
    {
        var refused = await Assert.ThrowsAsync<ControlPlaneException>(() => _harness.Agent().GetGitAuthAsync("https://gitlab.com", CancellationToken.None));

        Assert.Equal(System.Net.HttpStatusCode.NotFound, refused.StatusCode);
        Assert.Contains("No matching git provider found for \"https://gitlab.com\"", refused.Message, StringComparison.Ordinal);
        Assert.Contains("github=", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GitAuth_NoUrl_400()
    {
        var answer = await _harness.CurlAsAgentAsync("GET", Me + "gitauth");

        Assert.Equal(400, answer.Status);
        Assert.Equal("Missing 'url' query parameter!", answer.Message());
    }

    [Fact]
    public async Task GitAuth_UrlBeyondTheLimit_400()
    {
        var answer = await _harness.CurlAsAgentAsync("GET", Me + "gitauth?url=https://github.com/" + new string('a', 3000));

        Assert.Equal(400, answer.Status);
    }

    [Fact]
    public async Task Manifest_WorkspaceWithTwoGitAuthEntries_GitAuthConfigsIsTwo()
    {
        var manifest = await _harness.Agent().GetManifestAsync(CancellationToken.None);

        Assert.Equal(2, manifest.GitAuthConfigs);
    }
}
