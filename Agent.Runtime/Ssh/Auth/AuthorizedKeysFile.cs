using Agent.Runtime.Ssh.Keys;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// An authorized_keys file read as sshd reads it, at every attempt, so keys added or removed count at once, but
/// parsed again only when it changed: each look is one <c>statx</c> of the path, compared with the
/// <see cref="FileIdentity"/> (device, inode, size, modification and change times) of the version parsed last. A
/// changed file is read by its real size (at most <see cref="AuthorizedKeys.MaxFileBytes"/>). A missing, oversized or
/// non-regular file gives no keys, with one warning per version, not one per attempt. Thread-safe.
/// </summary>
public sealed class AuthorizedKeysFile
{
    private readonly string _path;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private Version? _current;

    public AuthorizedKeysFile(string path, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(logger);
        _path = path;
        _logger = logger;
    }

    /// <summary>The file's path, for log lines.</summary>
    public string Path => _path;

    /// <summary>How many times the file was read and parsed (for specs and measurements).</summary>
    public int Loads { get; private set; }

    /// <summary>The keys of the file as it is now.</summary>
    public IReadOnlyList<AuthorizedKey> Keys()
    {
        FileIdentity? identity = null;
        string? statError = null;
        try
        {
            identity = FileIdentity.OfPath(_path);
        }
        catch (IOException e)
        {
            statError = e.Message;
        }

        lock (_gate)
        {
            if (_current is { } current && current.Identity == identity && current.StatError == statError)
                return current.Keys;
            Loads++;
            _current = Load(identity, statError);
            return _current.Keys;
        }
    }

    private Version Load(FileIdentity? identity, string? statError)
    {
        if (statError is not null)
            return Unusable(null, statError, statError);
        if (identity is not { } found)
        {
            _logger.AuthorizedKeysMissing(_path);
            return new Version(null, null, []);
        }

        if (!found.IsRegularFile)
            return Unusable(found, null, "not a regular file");
        if (found.Size > AuthorizedKeys.MaxFileBytes)
            return Unusable(found, null, $"larger than {AuthorizedKeys.MaxFileBytes} bytes");
        try
        {
            using var handle = File.OpenHandle(_path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var opened = FileIdentity.Of(handle);
            if (!opened.IsRegularFile || opened.Size > AuthorizedKeys.MaxFileBytes)
                return Unusable(opened, null, $"not a regular file of at most {AuthorizedKeys.MaxFileBytes} bytes");
            var keys = AuthorizedKeys.Read(handle, opened.Size, _path, _logger);
            _logger.AuthorizedKeysLoaded(_path, keys.Count, opened.Size);
            return new Version(opened, null, keys);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unusable(found, null, e.Message);
        }
    }

    private Version Unusable(FileIdentity? identity, string? statError, string why)
    {
        _logger.AuthorizedKeysUnreadable(_path, why);
        return new Version(identity, statError, []);
    }

    private sealed record Version(FileIdentity? Identity, string? StatError, IReadOnlyList<AuthorizedKey> Keys);
}
