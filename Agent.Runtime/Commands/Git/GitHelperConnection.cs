using Agent.Runtime.Commands.Options;
using Agent.Runtime.ControlPlaneClient;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Runtime.Commands.Git;

/// <summary>
/// How the git helpers (<c>agent gitssh</c>, the askpass mode) reach the control plane with the agent token: the
/// options first (<c>gitssh</c> only), then the session's <c>CODER_AGENT_URL</c> and <c>CODER_AGENT_TOKEN</c> (what
/// the agent gives its children), then <c>AGENT_URL</c> and <c>AGENT_TOKEN</c>, then the token files of
/// <c>CODER_AGENT_TOKEN_FILE</c> and <c>AGENT_TOKEN_FILE</c>. Errors never quote the token.
/// </summary>
internal static class GitHelperConnection
{
    /// <summary>Time to connect to the control plane.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Time for a whole request (git waits on the helper meanwhile).</summary>
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    /// <summary>The URL and token, or false with <paramref name="error"/>; <paramref name="warning"/> for a token file others can read.</summary>
    public static bool TryResolve(
        string? urlOption,
        string? tokenOption,
        string? tokenFileOption,
        Func<string, string?> environment,
        out Uri url,
        out string token,
        out string error,
        out string? warning)
    {
        ArgumentNullException.ThrowIfNull(environment);
        url = null!;
        token = string.Empty;
        warning = null;
        var urlText = First(urlOption, environment("CODER_AGENT_URL"), environment("AGENT_URL"));
        if (urlText is null)
        {
            error = "no control plane URL: CODER_AGENT_URL is not set (the agent sets it in its sessions and scripts; elsewhere give --url)";
            return false;
        }

        if (ControlPlaneUrl.Parse(urlText, out var problem) is not { } parsed)
        {
            error = $"the control plane URL {problem}";
            return false;
        }

        url = parsed;
        if (!TokenFile.TryResolve(
                tokenOption,
                tokenFileOption,
                First(environment("CODER_AGENT_TOKEN"), environment("AGENT_TOKEN")),
                First(environment("CODER_AGENT_TOKEN_FILE"), environment("AGENT_TOKEN_FILE")),
                out token,
                out error,
                out warning))
        {
            return false;
        }

        if (token.Length == 0)
        {
            error = "no agent token: CODER_AGENT_TOKEN is not set (the agent sets it in its sessions and scripts; elsewhere give --token-file)";
            return false;
        }

        return true;
    }

    /// <summary>A client of the agent API at <paramref name="url"/> with <paramref name="token"/>, bounded by the timeouts above.</summary>
    public static HttpControlPlaneClient CreateClient(Uri url, string token, out HttpClient http)
    {
        http = TokenHttpClient.Create(ConnectTimeout, RequestTimeout, url);
        return new HttpControlPlaneClient(http, token, NullLogger<HttpControlPlaneClient>.Instance);
    }

    private static string? First(params string?[] values) => values.FirstOrDefault(value => !string.IsNullOrWhiteSpace(value))?.Trim();
}
