namespace Agent.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>The key exchange methods the server offers, by KEXINIT name, in its order of preference.</summary>
public static class KeyExchangeMethods
{
    /// <summary>The server's preference order (the first the client also lists wins, RFC 4253 section 7.1).</summary>
    public static IReadOnlyList<string> ServerPreference { get; } =
    [
        Curve25519Sha256.StandardName,
        Curve25519Sha256.LibsshName,
    ];

    /// <summary>Whether <paramref name="name"/> is a method <see cref="Create"/> knows.</summary>
    public static bool IsSupported(string name) => ServerPreference.Contains(name, StringComparer.Ordinal);

    /// <summary>A fresh instance (one per exchange) of the method called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="ServerPreference"/>.</exception>
    public static IKeyExchangeMethod Create(string name) => name switch
    {
        Curve25519Sha256.StandardName or Curve25519Sha256.LibsshName => new Curve25519Sha256(name),
        _ => throw new ArgumentException($"unsupported key exchange method '{name}'", nameof(name)),
    };
}
