using Agent.Reactive.Effects;

namespace Agent.Runtime.Commands.Git;

/// <summary>
/// The agent binary as git's <c>GIT_ASKPASS</c> helper (Coder's <c>gitaskpass</c>): run with git's prompt as its only
/// argument, it asks the control plane for the remote's credentials (<c>GET me/gitauth?url=</c>, the URL without its
/// user part, agent token from the session's <c>CODER_AGENT_URL</c>/<c>CODER_AGENT_TOKEN</c>) and prints the answer on
/// stdout, the only thing ever written there. No match, a refusal or an unreachable control plane is one line on stderr
/// and exit 1, and git stops with its own error.
/// </summary>
public static class GitAskPassMode
{
    /// <summary>Answers <paramref name="prompt"/>; returns the exit code.</summary>
    public static async Task<int> RunAsync(string prompt, Func<string, string?> environment, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (!AskPassPrompt.TryParse(prompt, out var question, out var problem))
            return await FailAsync(error, problem);
        if (!GitHelperConnection.TryResolve(null, null, null, environment, out var url, out var token, out problem, out var warning))
            return await FailAsync(error, problem);
        if (warning is not null)
            await error.WriteLineAsync($"agent askpass: warning: {warning}");

        var client = GitHelperConnection.CreateClient(url, token, out var http);
        using (http)
        {
            try
            {
                var answer = await client.GetGitAuthAsync(question.Url, cancellationToken);
                var text = question.Choose(answer.Username ?? string.Empty, answer.Password ?? string.Empty);
                if (text.Length == 0)
                    return await FailAsync(error, $"the control plane answered no {(question.ForPassword ? "password" : "user name")} for {question.Url}");
                await output.WriteLineAsync(text);
                await output.FlushAsync(cancellationToken);
                return 0;
            }
            catch (ControlPlaneException e)
            {
                return await FailAsync(error, $"no git credentials for {question.Url}: {e.Message}");
            }
        }
    }

    private static async Task<int> FailAsync(TextWriter error, string reason)
    {
        await error.WriteLineAsync($"agent askpass: {reason}");
        await error.FlushAsync();
        return 1;
    }
}
