using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Api;

/// <summary>
/// Chooses where the API's Unix socket goes: the asked path when it fits <c>sun_path</c> (107 bytes) and its directory
/// is private (made 0700 when missing); otherwise a fresh 0700 directory under <c>$XDG_RUNTIME_DIR</c> or <c>/tmp</c>.
/// A stale socket file is removed; a live one (another server answers) is an error.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static class ApiSocketPath
{
    /// <summary>The longest socket path Linux takes (sun_path is 108 bytes with the terminating NUL).</summary>
    public const int MaxPathBytes = 107;

    private const UnixFileMode PrivateDirectory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode GroupOrOther = UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute
        | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private const string SocketName = "api.sock";
    private const int MaxAttempts = 8;

    /// <summary>The socket path to bind and the directory this made for it (deleted with the server), if any.</summary>
    /// <exception cref="IOException">Another server answers on the path, or no private directory could be made.</exception>
    public static (string Path, string? OwnDirectory) Prepare(string requested, ILogger logger)
    {
        var full = Path.GetFullPath(requested);
        var directory = Path.GetDirectoryName(full) ?? "/";
        string? reason = null;
        if (Encoding.UTF8.GetByteCount(full) > MaxPathBytes)
        {
            reason = $"it is longer than {MaxPathBytes} bytes";
        }
        else if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory, PrivateDirectory);
        }
        else if ((File.GetUnixFileMode(directory) & GroupOrOther) != 0)
        {
            reason = $"its directory {directory} is not private (0700)";
        }

        if (reason is null)
        {
            RemoveStale(full);
            return (full, null);
        }

        var fresh = FreshDirectory();
        var path = Path.Join(fresh, SocketName);
        logger.ApiSocketMoved(requested, reason, path);
        return (path, fresh);
    }

    private static string FreshDirectory()
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        var bases = new List<string>();
        if (!string.IsNullOrEmpty(runtime) && Path.IsPathRooted(runtime) && Directory.Exists(runtime))
            bases.Add(runtime);
        bases.Add("/tmp");
        foreach (var root in bases)
        {
            for (var attempt = 0; attempt < MaxAttempts; attempt++)
            {
                var candidate = Path.Join(root, "agent-api-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6)));
                if (Encoding.UTF8.GetByteCount(Path.Join(candidate, SocketName)) > MaxPathBytes)
                    break;
                if (Directory.Exists(candidate) || File.Exists(candidate))
                    continue;
                var made = Directory.CreateDirectory(candidate, PrivateDirectory);
                if ((File.GetUnixFileMode(made.FullName) & GroupOrOther) == 0)
                    return made.FullName;
            }
        }

        throw new IOException("could not make a private directory for the agent API socket under $XDG_RUNTIME_DIR or /tmp");
    }

    private static void RemoveStale(string path)
    {
        if (!File.Exists(path))
            return;
        using (var probe = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                probe.Connect(new UnixDomainSocketEndPoint(path));
                throw new IOException($"another server already answers on {path}");
            }
            catch (SocketException)
            {
                // Nobody listens: a socket left behind by an earlier run.
            }
        }

        File.Delete(path);
    }
}
