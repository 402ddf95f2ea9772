using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>How values are written to text columns, and read back exactly.</summary>
internal static class StoredText
{
    /// <summary>ISO-8601 with 100 ns precision and the offset (<c>2026-12-05T03:02:37.1234567+01:00</c>).</summary>
    public static string Timestamp(DateTimeOffset value) => value.ToString("O", CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseTimestamp(string text)
        => DateTimeOffset.ParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None);

    /// <summary>An enum member as it is spelled on the wire: <c>StartTimeout</c> is <c>start_timeout</c>.</summary>
    public static string Name<T>(T value)
        where T : struct, Enum
        => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>The member <see cref="Name{T}"/> wrote.</summary>
    /// <exception cref="FormatException">No member of <typeparamref name="T"/> has that name.</exception>
    public static T ParseName<T>(string text)
        where T : struct, Enum
    {
        foreach (var value in Enum.GetValues<T>())
        {
            if (Name(value) == text)
                return value;
        }

        throw new FormatException($"\"{text}\" is not a {typeof(T).Name}");
    }

    /// <summary>The lowercase hex SHA-256 of the UTF-8 bytes of <paramref name="token"/>: what is stored of a token.</summary>
    public static string Digest(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>
    /// The digest of an agent token, a UUID the control plane accepts with or without hyphens and in any case: taken of
    /// its canonical form, so every spelling of one token has one digest.
    /// </summary>
    public static string AgentTokenDigest(string token)
        => Digest(Guid.TryParse(token, out var uuid) ? uuid.ToString("D") : token);
}
