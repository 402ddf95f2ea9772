using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;
using System.Text;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The browser's bearer secrets (dashboard session ids, the port proxy's one-time codes and credentials): 256 random
/// bits from a CSPRNG in base64url; only their SHA-256 is kept, so a lookup by it tells a guesser nothing.
/// </summary>
internal static class BearerSecrets
{
    /// <summary>How long a secret is: 32 bytes in base64url without padding.</summary>
    public const int Length = 43;

    public static string New() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The lower-case hex SHA-256 of <paramref name="text"/>'s UTF-8 bytes: what is kept of a secret or a token.</summary>
    public static string Digest(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    /// <summary>Whether <paramref name="text"/> can be a secret <see cref="New"/> made: anything else is refused before it is looked up.</summary>
    public static bool IsWellFormed([NotNullWhen(true)] string? text)
        => text is { Length: Length } && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_');
}
