using Agent.Runtime.Ssh.Keys;

namespace Agent.Runtime.ControlPlane;

/// <summary>The fingerprints of an agent's SSH host keys, as <c>ssh-keygen -lf</c> prints them.</summary>
internal static class HostKeyFingerprints
{
    /// <summary>
    /// <c>SHA256:...</c> of each OpenSSH public-key line (<c>type base64 [comment]</c>), in order; an empty string
    /// for a line whose second field is not base64 (the agent reported it, so it is shown, but it has no fingerprint).
    /// </summary>
    public static IReadOnlyList<string> Of(IReadOnlyList<string>? lines)
    {
        if (lines is null || lines.Count == 0)
            return [];
        var fingerprints = new string[lines.Count];
        for (var i = 0; i < lines.Count; i++)
            fingerprints[i] = Of(lines[i]);
        return fingerprints;
    }

    private static string Of(string? line)
    {
        var fields = (line ?? string.Empty).Split((char[]?)null, 3, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2)
            return string.Empty;
        var blob = new byte[fields[1].Length * 3 / 4];
        return Convert.TryFromBase64String(fields[1], blob, out var written) && written > 0
            ? KeyFingerprint.Sha256(blob.AsSpan(0, written))
            : string.Empty;
    }
}
