using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using Agent.Runtime.Commands.ConfigSsh;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.Os.Interop;

namespace Agent.Runtime.Commands;

/// <summary>
/// <c>agent dev</c>'s own tokens, for a workspace file that carries none (the demo workspace): made from a CSPRNG on
/// the first run, kept 0600 in <c>&lt;data dir&gt;/dev/user-token</c> and <c>agent-token</c>, reused on later runs.
/// The user token is 256 bits in base64url; the agent token 128 bits in hex, which the control plane reads as the
/// UUID that Coder's agent tokens are. A file that is not a private regular file holding such a token is replaced.
/// </summary>
public sealed partial record DevTokens(string User, string Agent, string Directory)
{
    /// <summary>The folder of the data directory that holds the dev tokens (and <c>agent dev</c>'s control-plane database).</summary>
    public const string Folder = "dev";

    /// <summary>The file of the user token, in <see cref="Directory"/>.</summary>
    public const string UserFile = "user-token";

    /// <summary>The file of the agent token, in <see cref="Directory"/>.</summary>
    public const string AgentFile = "agent-token";

    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const int MaxFileBytes = 256;

    /// <summary>Reads the tokens kept in <c>&lt;data dir&gt;/dev/</c>, making (and keeping) the ones that are missing.</summary>
    /// <exception cref="IOException">The directory or a token file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The data directory is not ours to write.</exception>
    public static async Task<DevTokens> LoadOrCreateAsync(string dataDirectory, CancellationToken cancellationToken)
    {
        var directory = PrivateDirectory.Ensure(Path.Join(dataDirectory, Folder));
        var user = await LoadOrCreateAsync(Path.Join(directory, UserFile), UserToken(), NewUserToken, cancellationToken);
        var agent = await LoadOrCreateAsync(Path.Join(directory, AgentFile), AgentToken(), NewAgentToken, cancellationToken);
        return new DevTokens(user, agent, directory);
    }

    /// <summary>A new user token: 32 bytes from the CSPRNG, base64url without padding (43 characters).</summary>
    public static string NewUserToken() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new agent token: 16 bytes from the CSPRNG in lowercase hex (32 digits, a UUID's <c>N</c> form).</summary>
    public static string NewAgentToken() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    private static async Task<string> LoadOrCreateAsync(string path, Regex format, Func<string> create, CancellationToken cancellationToken)
    {
        if (TryRead(path) is { } kept && format.IsMatch(kept) && !PublishedTokens.Contains(kept))
            return kept;
        var token = create();
        File.Delete(path); // Whatever was there goes: AtomicFile writes through a link and keeps an existing file's mode.
        await AtomicFile.WriteAsync(path, Encoding.ASCII.GetBytes(token + "\n"), OwnerOnly, cancellationToken);
        return token;
    }

    /// <summary>The token in <paramref name="path"/>, or <c>null</c> when it is missing or not a private regular file.</summary>
    private static string? TryRead(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists || info.LinkTarget is not null || info.Length > MaxFileBytes)
            return null;
        if (!OperatingSystem.IsWindows() && (info.UnixFileMode & ~OwnerOnly) != 0)
            return null;
        return File.ReadAllText(path).Trim();
    }

    [GeneratedRegex("^[A-Za-z0-9_-]{43}$", RegexOptions.CultureInvariant)]
    private static partial Regex UserToken();

    [GeneratedRegex("^[0-9a-f]{32}$", RegexOptions.CultureInvariant)]
    private static partial Regex AgentToken();
}
