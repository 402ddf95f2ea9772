using System.Security.Cryptography;
using System.Text;

namespace Agent.Runtime.ControlPlane.PortProxy;

/// <summary>The proxy's bearer secrets (one-time codes, credentials): 256 random bits, base64url; only their SHA-256 is kept.</summary>
internal static class ProxySecrets
{
    public static string New() => Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>The key a secret is kept under: its SHA-256 (a table lookup by it tells a guesser nothing).</summary>
    public static string Key(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
