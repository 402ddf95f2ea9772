using Agent.Runtime.Ssh.Algorithms;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>A key exchange method the server offers: its KEXINIT name and a factory for one exchange.</summary>
/// <param name="Name">The name in KEXINIT, e.g. <c>curve25519-sha256</c>.</param>
/// <param name="Create">A new <see cref="IKeyExchangeMethod"/> for every exchange.</param>
public sealed record KeyExchangeAlgorithm(string Name, Func<IKeyExchangeMethod> Create);
