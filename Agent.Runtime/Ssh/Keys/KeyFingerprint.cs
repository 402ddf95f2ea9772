using System.Security.Cryptography;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>Key fingerprints and public-key lines as OpenSSH prints and reads them.</summary>
public static class KeyFingerprint
{
    /// <summary><c>SHA256:</c> and the unpadded base64 of the blob's SHA-256, as <c>ssh-keygen -lf</c> prints it.</summary>
    public static string Sha256(ReadOnlySpan<byte> publicKeyBlob)
        => "SHA256:" + Convert.ToBase64String(SHA256.HashData(publicKeyBlob)).TrimEnd('=');

    /// <summary>An OpenSSH public-key line (<c>type base64 [comment]</c>), the format of <c>.pub</c> and authorized_keys files.</summary>
    public static string ToOpenSshPublicKey(this IHostKey key, string? comment = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        var line = key.KeyType + " " + Convert.ToBase64String(key.PublicKeyBlob.Span);
        return string.IsNullOrWhiteSpace(comment) ? line : line + " " + comment.Trim();
    }
}
