namespace Agent.Runtime.Ssh.Algorithms.KeyExchange;

/// <summary>The key exchange methods the server offers, by KEXINIT name, in its order of preference.</summary>
public static class KeyExchangeMethods
{
    /// <summary>The server's preference order (the first the client also lists wins, RFC 4253 section 7.1).</summary>
    public static IReadOnlyList<string> ServerPreference { get; } =
    [
        MlKem768X25519Sha256.MethodName,
        Sntrup761X25519Sha512.StandardName,
        Sntrup761X25519Sha512.OpenSshName,
        Curve25519Sha256.StandardName,
        Curve25519Sha256.LibsshName,
        EcdhSha2Nistp.Nistp256,
        EcdhSha2Nistp.Nistp384,
        EcdhSha2Nistp.Nistp521,
    ];

    /// <summary>Whether <paramref name="name"/> is a method <see cref="Create"/> knows.</summary>
    public static bool IsSupported(string name) => ServerPreference.Contains(name, StringComparer.Ordinal);

    /// <summary>A fresh instance (one per exchange) of the method called <paramref name="name"/>.</summary>
    /// <exception cref="ArgumentException">The name is not one of <see cref="ServerPreference"/>.</exception>
    public static IKeyExchangeMethod Create(string name) => name switch
    {
        MlKem768X25519Sha256.MethodName => new MlKem768X25519Sha256(),
        Sntrup761X25519Sha512.StandardName or Sntrup761X25519Sha512.OpenSshName => new Sntrup761X25519Sha512(name),
        Curve25519Sha256.StandardName or Curve25519Sha256.LibsshName => new Curve25519Sha256(name),
        EcdhSha2Nistp.Nistp256 or EcdhSha2Nistp.Nistp384 or EcdhSha2Nistp.Nistp521 => new EcdhSha2Nistp(name),
        _ => throw new ArgumentException($"unsupported key exchange method '{name}'", nameof(name)),
    };
}
