using System.Text.RegularExpressions;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>The first two fields of an OpenSSH public key line (<c>ssh-ed25519 AAAA... comment</c>), checked for shape only.</summary>
public static partial class PublicKeyLine
{
    /// <summary>Splits <paramref name="keyLine"/> into its key type and base64 blob; <c>false</c> when it is not shaped like a key line.</summary>
    public static bool TryFields(string keyLine, out string type, out string blob)
    {
        type = blob = string.Empty;
        var fields = (keyLine ?? string.Empty).Split((char[])[' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2 || !KeyType().IsMatch(fields[0]) || !Base64().IsMatch(fields[1]))
            return false;
        type = fields[0];
        blob = fields[1];
        return true;
    }

    [GeneratedRegex("^[a-z0-9@._-]{1,64}$")]
    private static partial Regex KeyType();

    [GeneratedRegex("^[A-Za-z0-9+/]+={0,2}$")]
    private static partial Regex Base64();
}
