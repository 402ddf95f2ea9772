namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// Algorithms the server deliberately does not implement, with the reason. A client that offers nothing else fails
/// to negotiate (RFC 4253 section 7.1), and the log line names these and why.
/// </summary>
internal static class RefusedAlgorithms
{
    private const string Cbc = "CBC mode: plaintext recovery attacks on SSH (CVE-2008-5161)";
    private const string Sha1Mac = "SHA-1 and MD5 MACs: weak hashes; the SHA-2 MACs and AEAD ciphers replace them";
    private const string GroupExchange = "group exchange: server-chosen groups, slow and rarely needed beside ECDH and X25519";

    /// <summary>Each refused name and why.</summary>
    public static IReadOnlyDictionary<string, string> Reasons { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["3des-cbc"] = Cbc + "; a 64-bit block (Sweet32)",
        ["aes128-cbc"] = Cbc,
        ["aes192-cbc"] = Cbc,
        ["aes256-cbc"] = Cbc,
        ["rijndael-cbc@lysator.liu.se"] = Cbc,
        ["blowfish-cbc"] = Cbc + "; a 64-bit block (Sweet32)",
        ["cast128-cbc"] = Cbc + "; a 64-bit block (Sweet32)",
        ["hmac-sha1"] = Sha1Mac,
        ["hmac-sha1-96"] = Sha1Mac,
        ["hmac-sha1-etm@openssh.com"] = Sha1Mac,
        ["hmac-sha1-96-etm@openssh.com"] = Sha1Mac,
        ["hmac-md5"] = Sha1Mac,
        ["hmac-md5-96"] = Sha1Mac,
        ["hmac-md5-etm@openssh.com"] = Sha1Mac,
        ["hmac-md5-96-etm@openssh.com"] = Sha1Mac,
        ["diffie-hellman-group1-sha1"] = "a 1024-bit group (Logjam) and SHA-1",
        ["diffie-hellman-group14-sha1"] = "SHA-1 in the exchange hash",
        ["diffie-hellman-group-exchange-sha1"] = GroupExchange + "; SHA-1",
        ["diffie-hellman-group-exchange-sha256"] = GroupExchange,
        ["ssh-dss"] = "DSA: 1024-bit keys and SHA-1; OpenSSH removed it",
        ["ssh-dss-cert-v01@openssh.com"] = "DSA: 1024-bit keys and SHA-1; OpenSSH removed it",
    };

    /// <summary>The names among <paramref name="offered"/> that are refused on purpose, each with its reason; empty when none.</summary>
    public static string Explain(IEnumerable<string> offered)
        => string.Join("; ", offered.Where(Reasons.ContainsKey).Distinct(StringComparer.Ordinal).Select(name => $"{name} is not supported on purpose ({Reasons[name]})"));
}
