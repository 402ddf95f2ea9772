using System.CommandLine;

namespace Agent.Runtime.Commands.Options;

/// <summary>
/// <c>--url</c>, <c>--token</c> and <c>--token-file</c> of the client commands (proxy, port-forward, config-ssh, monitor),
/// with the <c>AGENT_URL</c> and <c>AGENT_USER_TOKEN</c> fallbacks (<see cref="TokenFile"/>). Errors never quote the token.
/// </summary>
public sealed class ClientConnectionOptions
{
    /// <summary>Environment variable read when <c>--url</c> is not given.</summary>
    public const string UrlVariable = "AGENT_URL";

    /// <summary>Environment variable read when neither <c>--token</c> nor <c>--token-file</c> is given.</summary>
    public const string TokenVariable = "AGENT_USER_TOKEN";

    public ClientConnectionOptions(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        Url = new Option<string?>("--url")
        {
            Description = $"Base URL of the control plane (default: ${UrlVariable})",
            DefaultValueFactory = _ => environment(UrlVariable),
        };
        Token = new Option<string?>("--token")
        {
            Description = $"User token (default: ${TokenVariable}); prefer --token-file, a command line is visible to every local user",
        };
        TokenFile = new Option<string?>("--token-file") { Description = "Read the user token from this file (trimmed; should be private, mode 0600)" };
        Environment = environment;
    }

    public Option<string?> Url { get; }

    public Option<string?> Token { get; }

    public Option<string?> TokenFile { get; }

    private Func<string, string?> Environment { get; }

    public void AddTo(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.Options.Add(Url);
        command.Options.Add(Token);
        command.Options.Add(TokenFile);
    }

    /// <summary>The control plane's URL and the user token, or <c>false</c> with <paramref name="error"/> saying what is missing.</summary>
    public bool TryResolve(ParseResult result, out Uri url, out string token, out string error)
    {
        ArgumentNullException.ThrowIfNull(result);
        url = null!;
        token = string.Empty;
        if (ControlPlaneUrl.Parse(result.GetValue(Url) ?? string.Empty, out _) is not { } parsed)
        {
            error = $"give the control plane's http(s) URL with --url or ${UrlVariable}";
            return false;
        }

        url = parsed;
        if (!Options.TokenFile.TryResolve(result.GetValue(Token), result.GetValue(TokenFile), Environment(TokenVariable), null, out token, out error, out var warning))
            return false;
        if (warning is not null)
        {
            result.InvocationConfiguration.Error.WriteLine($"agent {result.CommandResult.Command.Name}: warning: {warning}");
            result.InvocationConfiguration.Error.Flush();
        }

        if (token.Length == 0)
        {
            error = $"give a user token with --token-file, --token or ${TokenVariable}";
            return false;
        }

        return true;
    }
}
