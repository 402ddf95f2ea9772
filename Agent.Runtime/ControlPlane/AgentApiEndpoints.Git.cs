using Agent.Reactive.Protocol;
using Agent.Runtime.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The git helpers' endpoints (Coder's shapes): <c>GET me/gitsshkey</c> → <c>{"public_key","private_key"}</c> and
/// <c>GET me/gitauth?url=</c> → <c>{"username","password","url"}</c>, from the workspace file's <c>git_ssh_key</c> and
/// <c>git_auth</c>. Only an agent token of the workspace reaches them; answers are marked not to be stored.
/// </summary>
internal sealed partial class AgentApiEndpoints
{
    private Task GetGitSshKeyAsync(HttpContext context, ControlPlaneAgent agent)
    {
        context.Response.Headers[HeaderNames.CacheControl] = "no-store";
        if (_store.GitSshKey is not { } key)
        {
            GitCredentialsLog.GitSshKeyMissing(_logger, agent.Name);
            return ApiResponses.WriteErrorAsync(
                context,
                StatusCodes.Status404NotFound,
                "No git SSH key is configured for this workspace.",
                "Add \"git_ssh_key\": {\"public_key\": \"...\", \"private_key\": \"...\"} to the workspace file.");
        }

        GitCredentialsLog.GitSshKeyServed(_logger, agent.Name);
        return ApiResponses.WriteJsonAsync(context, new GitSshKey(key.PublicKey, key.PrivateKey), AgentJsonContext.Default.GitSshKey);
    }

    private Task GetGitAuthAsync(HttpContext context, ControlPlaneAgent agent)
    {
        context.Response.Headers[HeaderNames.CacheControl] = "no-store";
        var url = context.Request.Query["url"].ToString();
        if (url.Length == 0)
            return ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "Missing 'url' query parameter!");
        if (url.Length > GitRemoteUrl.MaxLength)
            return ApiResponses.WriteErrorAsync(context, StatusCodes.Status400BadRequest, $"The 'url' query parameter is longer than {GitRemoteUrl.MaxLength} characters.");

        // The user part never takes part in the match (nor reaches the log), whoever the client is.
        url = GitRemoteUrl.WithoutUser(url, out _);

        // Coder's "listen" waits for a sign-in to issue a new token; these credentials are in the workspace file, so
        // the answer is the same at once.
        var provider = _store.GitAuth.Find(url, out var timedOut);
        if (timedOut is not null)
            GitCredentialsLog.GitAuthMatchTimedOut(_logger, agent.Name, timedOut, url.Length);
        if (provider is null)
        {
            GitCredentialsLog.GitAuthNoMatch(_logger, agent.Name, url);
            return ApiResponses.WriteErrorAsync(context, StatusCodes.Status404NotFound, $"No matching git provider found for \"{url}\".", _store.GitAuth.Describe());
        }

        GitCredentialsLog.GitAuthServed(_logger, agent.Name, provider.Id, url);
        return ApiResponses.WriteJsonAsync(context, new GitAuthResponse(provider.Username, provider.Password, string.Empty), AgentJsonContext.Default.GitAuthResponse);
    }
}
