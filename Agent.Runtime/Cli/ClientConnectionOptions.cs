using System.CommandLine;

namespace Agent.Runtime.Cli;

/// <summary>
/// <c>--url</c>, <c>--token</c> and <c>--token-file</c> of the client commands (proxy, port-forward, config-ssh), with
/// the <c>AGENT_URL</c> and <c>AGENT_USER_TOKEN</c> fallbacks. Errors never quote the token.
/// </summary>
public sealed class ClientConnectionOptions
{
    /// <summary>Environment variable read when <c>--url</c> is not given.</summary>
    public const string UrlVariable = "AGENT_URL";

    /// <summary>Environment variable read when neither <c>--token</c> nor <c>--token-file</c> is given.</summary>
    public const string TokenVariable = "AGENT_USER_TOKEN";

    /// <summary>A token file is a few hundred bytes at most; anything larger is not a token file.</summary>
    private const long MaxTokenFileBytes = 4096;

    public ClientConnectionOptions(Func<string, string?> environment, bool withTokenFile)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Url = new Option<string?>("--url")
        {
            Description = $"Base URL of the control plane (default: ${UrlVariable})",
            DefaultValueFactory = _ => environment(UrlVariable),
        };
        Token = new Option<string?>("--token")
        {
            Description = withTokenFile
                ? $"User token (default: ${TokenVariable}); prefer --token-file, a command line is visible to every local user"
                : $"User token (default: ${TokenVariable})",
        };
        TokenFile = withTokenFile ? new Option<FileInfo?>("--token-file") { Description = "Read the user token from this file" } : null;
        Environment = environment;
    }

    public Option<string?> Url { get; }

    public Option<string?> Token { get; }

    public Option<FileInfo?>? TokenFile { get; }

    private Func<string, string?> Environment { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Url);
        command.Options.Add(Token);
        if (TokenFile is not null)
            command.Options.Add(TokenFile);
    }

    /// <summary>The control plane's URL and the user token, or <c>false</c> with <paramref name="error"/> saying what is missing.</summary>
    public bool TryResolve(ParseResult result, out Uri url, out string token, out string error)
    {
        ArgumentNullException.ThrowIfNull(result);
        url = null!;
        token = string.Empty;
        if (!Uri.TryCreate(result.GetValue(Url), UriKind.Absolute, out var parsed) || parsed.Scheme is not ("http" or "https"))
        {
            error = $"give the control plane's http(s) URL with --url or ${UrlVariable}";
            return false;
        }

        url = parsed;
        var fromOption = result.GetValue(Token);
        var file = TokenFile is null ? null : result.GetValue(TokenFile);
        if (!string.IsNullOrEmpty(fromOption) && file is not null)
        {
            error = "give either --token or --token-file, not both";
            return false;
        }

        if (file is not null)
        {
            if (!TryReadTokenFile(file, out token, out error))
                return false;
        }
        else
        {
            token = (string.IsNullOrEmpty(fromOption) ? Environment(TokenVariable) : fromOption)?.Trim() ?? string.Empty;
        }

        if (token.Length == 0)
        {
            error = TokenFile is null
                ? $"give a user token with --token or ${TokenVariable}"
                : $"give a user token with --token-file, --token or ${TokenVariable}";
            return false;
        }

        error = string.Empty;
        return true;
    }

    private static bool TryReadTokenFile(FileInfo file, out string token, out string error)
    {
        token = string.Empty;
        try
        {
            file.Refresh();
            if (file.Exists && file.Length > MaxTokenFileBytes)
            {
                error = $"the token file {file.FullName} is larger than {MaxTokenFileBytes} bytes; it is not a token file";
                return false;
            }

            token = File.ReadAllText(file.FullName).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = $"cannot read the token file {file.FullName}: {e.Message}";
            return false;
        }

        error = token.Length == 0 ? $"the token file {file.FullName} is empty" : string.Empty;
        return token.Length > 0;
    }
}
