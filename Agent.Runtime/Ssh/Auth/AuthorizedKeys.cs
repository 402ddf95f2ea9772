using System.Text;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Wire;
using Microsoft.Extensions.Logging;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Ssh.Auth;

/// <summary>
/// Reads an OpenSSH authorized_keys file (sshd(8) "AUTHORIZED_KEYS FILE FORMAT"): one key per line as
/// <c>[options] type base64 [comment]</c>; blank lines and <c>#</c> comments skipped. The options are parsed into
/// <see cref="AuthorizedKeyOptions"/> and enforced at login. A line that cannot be parsed (unknown or unsupported
/// type, bad base64, a blob of another type, RSA under 2048 bits, an unknown or malformed option) is skipped with a
/// warning naming the line; it never grants access.
/// </summary>
public static class AuthorizedKeys
{
    /// <summary>Files larger than this are refused.</summary>
    public const int MaxFileBytes = 1024 * 1024;

    /// <summary>Lines longer than this are skipped (a 16384-bit RSA key line is about 2.8 KB).</summary>
    public const int MaxLineLength = 16 * 1024;

    /// <summary>Loads the keys of <paramref name="path"/>, read by its real size; a missing file gives no keys.</summary>
    /// <exception cref="InvalidDataException">The file is larger than <see cref="MaxFileBytes"/>.</exception>
    public static IReadOnlyList<AuthorizedKey> Load(string path, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(logger);
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return Read(handle, RandomAccess.GetLength(handle), path, logger);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            logger.AuthorizedKeysMissing(path);
            return [];
        }
    }

    /// <summary>
    /// Parses the first <paramref name="length"/> bytes of an open file (fewer if it shrank meanwhile) into exactly
    /// that many bytes of memory.
    /// </summary>
    /// <exception cref="InvalidDataException"><paramref name="length"/> is larger than <see cref="MaxFileBytes"/>.</exception>
    public static IReadOnlyList<AuthorizedKey> Read(SafeFileHandle handle, long length, string path, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(handle);
        if (length > MaxFileBytes)
            throw new InvalidDataException($"the authorized keys file {path} is larger than {MaxFileBytes} bytes");
        var content = new byte[length];
        var total = 0;
        int read;
        while (total < content.Length && (read = RandomAccess.Read(handle, content.AsSpan(total), total)) > 0)
            total += read;
        return Parse(Encoding.UTF8.GetString(content, 0, total), logger, path);
    }

    /// <summary>Parses authorized_keys text; <paramref name="source"/> names it in log messages.</summary>
    public static IReadOnlyList<AuthorizedKey> Parse(string text, ILogger logger, string source = "authorized_keys")
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(logger);
        var keys = new List<AuthorizedKey>();
        var lineNumber = 0;
        foreach (var rawLine in text.Split('\n'))
        {
            lineNumber++;
            var line = rawLine.Trim();
            if (line.Length == 0 || line[0] == '#')
                continue;
            if (line.Length > MaxLineLength)
            {
                logger.LineTooLong(source, lineNumber, MaxLineLength);
                continue;
            }

            if (TryParseLine(line, lineNumber, out var key, out var error))
            {
                if (key!.Options.Environment.Count > 0)
                    logger.AuthorizedKeyEnvironmentIgnored(source, lineNumber, string.Join(", ", key.Options.Environment.Select(pair => pair.Key)));
                keys.Add(key);
            }
            else
            {
                logger.LineSkipped(source, lineNumber, error);
            }
        }

        return keys;
    }

    /// <summary>Parses one non-blank, non-comment line.</summary>
    public static bool TryParseLine(string line, int lineNumber, out AuthorizedKey? key, out string? error)
    {
        ArgumentNullException.ThrowIfNull(line);
        key = null;
        var rest = line.Trim();
        var options = AuthorizedKeyOptions.None;
        var hadOptions = false;
        if (!IsKeyTypeToken(FirstToken(rest)))
        {
            if (!TrySplitOptions(rest, out var optionsText, out rest, out error))
                return false;
            if (!AuthorizedKeyOptions.TryParse(optionsText, out var parsedOptions, out error))
            {
                // No key type after the first word: the first word was the type, one we do not know.
                if (!IsKeyTypeToken(FirstToken(rest)))
                    error = $"unsupported key type '{LogText.Printable(FirstToken(line.Trim()))}'";
                return false;
            }

            options = parsedOptions!;
            hadOptions = true;
        }

        var parts = rest.Split([' ', '\t'], 3, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length < 2)
        {
            error = "no key type and key";
            return false;
        }

        if (!IsKeyTypeToken(parts[0]))
        {
            error = $"unsupported key type '{LogText.Printable(hadOptions ? FirstToken(line.Trim()) : parts[0])}'";
            return false;
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            error = "the key is not valid base64";
            return false;
        }

        if (!SshPublicKey.TryParse(blob, out var parsed, out error))
            return false;
        if (parsed!.KeyType != parts[0])
        {
            error = $"the line says {parts[0]} but the key is {parsed.KeyType}";
            return false;
        }

        key = new AuthorizedKey(parsed, parts.Length > 2 ? parts[2] : null, lineNumber, options);
        return true;
    }

    private static bool IsKeyTypeToken(string token) => SshPublicKey.KeyTypes.Contains(token, StringComparer.Ordinal);

    private static string FirstToken(string text)
    {
        var end = text.IndexOfAny([' ', '\t']);
        return end < 0 ? text : text[..end];
    }

    /// <summary>Splits off the options (up to the first whitespace outside double quotes; <c>\"</c> escapes a quote).</summary>
    private static bool TrySplitOptions(string line, out string options, out string rest, out string? error)
    {
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (c == '\\' && quoted && i + 1 < line.Length && line[i + 1] == '"')
            {
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (!quoted && (c == ' ' || c == '\t'))
            {
                options = line[..i];
                rest = line[(i + 1)..].TrimStart();
                error = null;
                return true;
            }
        }

        options = line;
        rest = string.Empty;
        error = quoted ? "an unterminated quote in the options" : "no key after the options";
        return false;
    }
}
