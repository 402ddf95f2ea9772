using System.Text;

namespace Agent.Specs.Fuzz;

/// <summary>Tokens the mutator splices in: JSON fragments and edge values, SSH names.</summary>
internal static class FuzzDictionaries
{
    public static IReadOnlyList<byte[]> Json { get; } = Tokens(
        "null", "true", "false", "0", "-1", "-0", "1e400", "-1e400", "1.5", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "4294967296", "65536", "1E+2", "\"\"", "\"\\u0000\"", "\"\\ud800\"",
        "\"\\uDFFF\\uD800\"", "\"\\\"", "{}", "[]", "[[[[[[[[[[[[[[[[", "{\"a\":{\"a\":{\"a\":", "\"$type\"", "\"type\"", "\"$id\"",
        "\"$ref\"", "\"2026-13-45T25:61:61Z\"", "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.9999999+14:00\"",
        "\"00000000-0000-0000-0000-000000000000\"", "\"not-a-guid\"", "\"ready\"", "\"READY\"", "\"healthy\"", "\"bogus\"",
        "\xC0\xAF", "\xFF\xFE", "\xEF\xBB\xBF", "\xED\xA0\x80", ",", ":", "//", "/*", "\t", "\u2028");

    public static IReadOnlyList<byte[]> Ssh { get; } = Tokens(
        "ssh-userauth", "ssh-connection", "none", "publickey", "password", "keyboard-interactive", "session", "pty-req",
        "shell", "exec", "subsystem", "sftp", "env", "window-change", "signal", "exit-status", "eof@openssh.com",
        "keepalive@openssh.com", "tcpip-forward", "cancel-tcpip-forward", "direct-tcpip", "x11-req", "auth-agent-req@openssh.com",
        "no-more-sessions@openssh.com", "ssh-ed25519", "rsa-sha2-256", "ecdsa-sha2-nistp256", "curve25519-sha256",
        "kex-strict-c-v00@openssh.com", "ext-info-c", "aes128-ctr", "chacha20-poly1305@openssh.com", "hmac-sha2-256",
        "\0\0\0\0", "\xFF\xFF\xFF\xFF", "\0\0\x01\0", "\x7F\xFF\xFF\xFF", "\0\0\0\x01", "\0\0\0\x08", "\0\x01\0\0");

    public static IReadOnlyList<byte[]> Tokens(params string[] tokens)
        => [.. tokens.Select(t => t.Any(c => c > 0x7F && c <= 0xFF) ? Encoding.Latin1.GetBytes(t) : Encoding.UTF8.GetBytes(t))];
}
