using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Agent.Runtime.Ssh.Algorithms.KeyExchange;
using Agent.Runtime.Ssh.Keys;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>What an <see cref="SshServerTransport"/> offers and its limits.</summary>
public sealed class SshServerOptions
{
    /// <summary>Every cipher the transport implements, in our preference order.</summary>
    public static IReadOnlyList<string> SupportedCiphers => PacketProtectionFactory.Ciphers;

    /// <summary>Every MAC the transport implements, in our preference order.</summary>
    public static IReadOnlyList<string> SupportedMacs => PacketProtectionFactory.Macs;

    /// <summary>Every key exchange method of <see cref="KeyExchangeMethods"/>, in its preference order.</summary>
    public static IReadOnlyList<KeyExchangeAlgorithm> DefaultKeyExchangeAlgorithms { get; } =
        KeyExchangeMethods.ServerPreference.Select(name => new KeyExchangeAlgorithm(name, () => KeyExchangeMethods.Create(name))).ToList();

    /// <summary>The host keys; their signature algorithms make the host-key list of KEXINIT, in this order.</summary>
    public required IReadOnlyList<IHostKey> HostKeys { get; init; }

    /// <summary>The key exchange methods offered, in preference order.</summary>
    public IReadOnlyList<KeyExchangeAlgorithm> KeyExchangeAlgorithms { get; init; } = DefaultKeyExchangeAlgorithms;

    /// <summary>The ciphers offered (a subset of <see cref="SupportedCiphers"/>).</summary>
    public IReadOnlyList<string> Ciphers { get; init; } = SupportedCiphers;

    /// <summary>The MACs offered with the CTR ciphers (a subset of <see cref="SupportedMacs"/>).</summary>
    public IReadOnlyList<string> Macs { get; init; } = SupportedMacs;

    /// <summary>The softwareversion part of our identification line <c>SSH-2.0-softwareversion</c>.</summary>
    public string SoftwareVersion { get; init; } = DefaultSoftwareVersion();

    /// <summary>
    /// Time from accept until the connection must be authenticated; the transport arms it, and the authentication
    /// layer moves it with <see cref="SshServerTransport.SetAuthenticationDeadline"/> and ends it with
    /// <see cref="SshServerTransport.CompleteAuthentication"/>.
    /// </summary>
    public TimeSpan PreAuthenticationTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Re-key after this many bytes in either direction (RFC 4344 recommends at most 1 GiB for these ciphers); our own
    /// re-keys start only after <see cref="SshServerTransport.CompleteAuthentication"/>.
    /// </summary>
    public long RekeyBytes { get; init; } = 1L << 30;

    /// <summary>Re-key after this much time.</summary>
    public TimeSpan RekeyInterval { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many received messages may wait for <see cref="SshServerTransport.ReceiveAsync"/> before reading pauses.</summary>
    public int ReceiveQueueCapacity { get; init; } = 256;

    /// <summary>The clock of the deadlines and the time-based re-key.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal void Validate()
    {
        if (HostKeys.Count == 0)
            throw new ArgumentException("at least one host key is needed", nameof(HostKeys));
        if (KeyExchangeAlgorithms.Count == 0)
            throw new ArgumentException("at least one key exchange method is needed", nameof(KeyExchangeAlgorithms));
        if (Ciphers.Count == 0 || Ciphers.Any(c => !SupportedCiphers.Contains(c)))
            throw new ArgumentException("Ciphers must be a non-empty subset of SupportedCiphers", nameof(Ciphers));
        if (Macs.Count == 0 || Macs.Any(m => !SupportedMacs.Contains(m)))
            throw new ArgumentException("Macs must be a non-empty subset of SupportedMacs", nameof(Macs));
        if (SoftwareVersion.Length == 0 || SoftwareVersion.Length > 200 || SoftwareVersion.Any(c => c <= ' ' || c == '-' || c > '~'))
            throw new ArgumentException("SoftwareVersion must be 1-200 printable ASCII characters without spaces or '-'", nameof(SoftwareVersion));
        if (PreAuthenticationTimeout <= TimeSpan.Zero || RekeyInterval <= TimeSpan.Zero)
            throw new ArgumentException("timeouts must be positive", nameof(PreAuthenticationTimeout));
        if (RekeyBytes < 1024 || ReceiveQueueCapacity < 1)
            throw new ArgumentException("a limit is out of range", nameof(RekeyBytes));
    }

    private static string DefaultSoftwareVersion()
    {
        var version = typeof(SshServerOptions).Assembly.GetName().Version;
        return version is null ? "Agent" : $"Agent_{version.Major}.{version.Minor}.{version.Build}";
    }
}
