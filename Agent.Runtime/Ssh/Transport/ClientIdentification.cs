using System.Globalization;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// The client's identification line (RFC 4253 section 4.2), judged as sshd judges it: the first line must be
/// <c>SSH-protoversion-softwareversion</c>, since clients send no lines before it. Anything else is refused at once
/// with sshd's own words, written as a plain line (no binary packet exists yet): <see cref="InvalidReply"/> for a line
/// that is not an identification (an HTTP request, an empty line, a NUL or a lone CR, more than 255 bytes), or
/// <see cref="MismatchReply"/> for a protocol other than 2.0 (or 1.99, which means 2.0 too).
/// </summary>
internal static class ClientIdentification
{
    /// <summary>The longest line, CR LF included (RFC 4253 section 4.2).</summary>
    public const int MaxLength = 255;

    public const string InvalidReply = "Invalid SSH identification string.";

    public const string MismatchReply = "Protocol major versions differ.";

    /// <summary>
    /// Reads the client's identification line; a line that is refused (or cannot be read) goes to
    /// <paramref name="refuse"/>, which answers the client and returns the failure thrown here.
    /// </summary>
    public static async Task<string> ReadAsync(PacketReader reader, Func<Refusal, Task<SshProtocolException>> refuse, CancellationToken cancellationToken)
    {
        string? line;
        try
        {
            line = await reader.ReadLineAsync(MaxLength, cancellationToken).ConfigureAwait(false);
        }
        catch (SshProtocolException e)
        {
            throw await refuse(Unreadable(e.Message)).ConfigureAwait(false);
        }

        if (line is null)
            throw new SshProtocolException(DisconnectReason.ConnectionLost, "the client closed the connection before its identification line");
        if (Judge(line) is { } refusal)
            throw await refuse(refusal).ConfigureAwait(false);
        return line;
    }

    /// <summary>A refusal for a line that could not be read as one (too long, a NUL byte).</summary>
    public static Refusal Unreadable(string why) => new(InvalidReply, DisconnectReason.ProtocolError, why);

    /// <summary><c>null</c> when <paramref name="line"/> (without its line end) identifies an SSH 2.0 client.</summary>
    public static Refusal? Judge(string line)
    {
        if (!line.StartsWith("SSH-", StringComparison.Ordinal) || line.Length <= 4)
            return Invalid("the client's first line is not an SSH identification", line);
        if (line.Contains('\r', StringComparison.Ordinal))
            return Invalid("the identification line holds a CR", line);
        var dash = line.IndexOf('-', 4);
        var version = dash < 0 ? string.Empty : line[4..dash];
        var dot = version.IndexOf('.', StringComparison.Ordinal);
        if (dash < 0 || dash == line.Length - 1 || dot <= 0 || !int.TryParse(version[..dot], NumberStyles.None, CultureInfo.InvariantCulture, out var major)
            || !int.TryParse(version[(dot + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            return Invalid("malformed identification line", line);
        if (major == 2 || (major == 1 && minor == 99))
            return null;
        return new Refusal(MismatchReply, DisconnectReason.ProtocolVersionNotSupported, $"unsupported protocol version {major}.{minor} in '{LogText.Printable(line)}'");
    }

    private static Refusal Invalid(string why, string line) => new(InvalidReply, DisconnectReason.ProtocolError, $"{why}: '{LogText.Printable(line)}'");

    /// <summary>Why a line was refused: the words for the peer, and the reason for the log and the exception.</summary>
    public sealed record Refusal(string Reply, DisconnectReason Reason, string Why);
}
