using System.Security.Cryptography;

namespace Agent.Runtime.Discovery;

/// <summary>
/// One SSH host key as discovery publishes it: its type (<c>ssh-ed25519</c>), the base64 of its public-key blob and
/// its OpenSSH SHA-256 fingerprint (<c>SHA256:...</c>, as <c>ssh-keygen -l</c> prints it).
/// </summary>
public sealed record HostKeyRecord(string Type, string Base64, string Fingerprint)
{
    /// <summary>The key as an OpenSSH public-key line (<c>type base64</c>).</summary>
    public string PublicKeyLine => Type + " " + Base64;

    /// <summary>The record of an OpenSSH public-key line (<c>type base64 [comment]</c>), or <c>null</c> when it is not one.</summary>
    public static HostKeyRecord? FromPublicKeyLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || FingerprintOf(parts[1]) is not { } fingerprint)
            return null;
        return new HostKeyRecord(parts[0], parts[1], fingerprint);
    }

    /// <summary>The SHA-256 fingerprint of a base64 key blob, or <c>null</c> when it is not base64.</summary>
    public static string? FingerprintOf(string base64)
    {
        var blob = new byte[(base64.Length * 3 / 4) + 3];
        return Convert.TryFromBase64String(base64, blob, out var written) && written > 0
            ? "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob.AsSpan(0, written))).TrimEnd('=')
            : null;
    }

    /// <summary>Whether the key's blob has the fingerprint it claims, and its type is the one inside the blob.</summary>
    public bool IsConsistent()
    {
        if (FingerprintOf(Base64) != Fingerprint)
            return false;
        var blob = Convert.FromBase64String(Base64);
        if (blob.Length < 4)
            return false;
        var length = (blob[0] << 24) | (blob[1] << 16) | (blob[2] << 8) | blob[3];
        return length >= 0 && length <= blob.Length - 4 && System.Text.Encoding.ASCII.GetString(blob, 4, length) == Type;
    }
}
