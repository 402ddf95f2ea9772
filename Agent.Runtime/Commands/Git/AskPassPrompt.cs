using Agent.Reactive.Protocol;

namespace Agent.Runtime.Commands.Git;

/// <summary>
/// git's question to its askpass helper: <c>Username for 'https://host': </c> or
/// <c>Password for 'https://user@host': </c>. git sets nothing else for the helper, so the agent binary recognises the
/// mode by that single argument alone (<see cref="IsPrompt"/>).
/// </summary>
/// <param name="ForPassword">Whether git asks for the password (else the user name).</param>
/// <param name="Url">The remote's URL without its user part (<c>https://host[:port]</c>), what the control plane matches.</param>
/// <param name="User">The user name git already has (in the password prompt), or empty.</param>
public sealed record AskPassPrompt(bool ForPassword, string Url, string User)
{
    private const string UsernamePrefix = "Username for ";
    private const string PasswordPrefix = "Password for ";

    /// <summary>Whether the command line is git asking its askpass helper: exactly one argument starting as git's prompts do.</summary>
    public static bool IsPrompt(IReadOnlyList<string> arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        return arguments.Count == 1
            && (arguments[0].StartsWith(UsernamePrefix, StringComparison.Ordinal) || arguments[0].StartsWith(PasswordPrefix, StringComparison.Ordinal));
    }

    /// <summary>Reads a prompt; false with <paramref name="error"/> when it names no http(s) URL.</summary>
    public static bool TryParse(string prompt, out AskPassPrompt result, out string error)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        result = new AskPassPrompt(false, string.Empty, string.Empty);
        error = string.Empty;
        var forPassword = prompt.StartsWith(PasswordPrefix, StringComparison.Ordinal);
        if (!forPassword && !prompt.StartsWith(UsernamePrefix, StringComparison.Ordinal))
        {
            error = "not a git credential prompt (expected \"Username for '<url>': \" or \"Password for '<url>': \")";
            return false;
        }

        // As Coder (and VS Code's askpass) read it: the quotes around the URL and the colon after it go.
        var text = prompt[(forPassword ? PasswordPrefix : UsernamePrefix).Length..].Trim().TrimStart('"', '\'').TrimEnd(' ', ':', '"', '\'');
        if (text.Length == 0 || text.Length > GitRemoteUrl.MaxLength)
        {
            error = $"the prompt names no URL of 1-{GitRemoteUrl.MaxLength} characters";
            return false;
        }

        var url = GitRemoteUrl.WithoutUser(text, out var user);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https") || parsed.Host.Length == 0)
        {
            error = $"\"{url}\" is not an http(s) URL; only git's credential prompts for http(s) remotes are answered";
            return false;
        }

        result = new AskPassPrompt(forPassword, url, user);
        return true;
    }

    /// <summary>
    /// What to print of the control plane's answer, as Coder's helper does: the user name for the user-name prompt; for
    /// the password prompt the password, or the user name when the password is empty (a token sent as the user name).
    /// </summary>
    public string Choose(string username, string password)
        => ForPassword && !string.IsNullOrEmpty(password) ? password : username ?? string.Empty;
}
