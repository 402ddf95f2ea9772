using System.Security.Cryptography;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>SSH_MSG_KEXINIT (RFC 4253 section 7.1), with the exact payload bytes that enter the exchange hash.</summary>
internal sealed record KexInitMessage(
    byte[] Payload,
    IReadOnlyList<string> KeyExchange,
    IReadOnlyList<string> HostKey,
    IReadOnlyList<string> CiphersClientToServer,
    IReadOnlyList<string> CiphersServerToClient,
    IReadOnlyList<string> MacsClientToServer,
    IReadOnlyList<string> MacsServerToClient,
    IReadOnlyList<string> CompressionClientToServer,
    IReadOnlyList<string> CompressionServerToClient,
    bool FirstKexPacketFollows)
{
    // RFC 4253 §7.1 SSH_MSG_KEXINIT: byte 20, byte[16] cookie, name-list kex_algorithms, name-list server_host_key_algorithms,
    // name-list encryption c2s, name-list encryption s2c, name-list mac c2s, name-list mac s2c, name-list compression c2s,
    // name-list compression s2c, name-list languages c2s, name-list languages s2c, boolean first_kex_packet_follows, uint32 0 (reserved)
    public static KexInitMessage Parse(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload);
        if (reader.ReadMessageNumber() != MessageNumber.KexInit)
            throw new SshProtocolException("not a KEXINIT message");
        for (var i = 0; i < 16; i++)
            reader.ReadByte();
        var kex = reader.ReadNameList();
        var hostKey = reader.ReadNameList();
        var cipherCs = reader.ReadNameList();
        var cipherSc = reader.ReadNameList();
        var macCs = reader.ReadNameList();
        var macSc = reader.ReadNameList();
        var compressionCs = reader.ReadNameList();
        var compressionSc = reader.ReadNameList();
        reader.ReadNameList();
        reader.ReadNameList();
        var follows = reader.ReadBoolean();
        reader.ReadUInt32();
        reader.EnsureEnd("KEXINIT");
        return new KexInitMessage(payload.ToArray(), kex, hostKey, cipherCs, cipherSc, macCs, macSc, compressionCs, compressionSc, follows);
    }

    /// <summary>
    /// A KEXINIT with a random cookie, the same ciphers and MACs both ways and no compression; <paramref name="firstKexPacketFollows"/>
    /// only for a client that sends a guessed key exchange packet (the server never guesses).
    /// </summary>
    // RFC 4253 §7.1 SSH_MSG_KEXINIT, written: the layout above
    public static KexInitMessage Create(
        IReadOnlyList<string> keyExchange,
        IReadOnlyList<string> hostKey,
        IReadOnlyList<string> ciphers,
        IReadOnlyList<string> macs,
        bool firstKexPacketFollows = false)
    {
        Span<byte> cookie = stackalloc byte[16];
        RandomNumberGenerator.Fill(cookie);
        var writer = new SshWriter(1024).Write(MessageNumber.KexInit).WriteRaw(cookie)
            .WriteNameList(keyExchange).WriteNameList(hostKey)
            .WriteNameList(ciphers).WriteNameList(ciphers)
            .WriteNameList(macs).WriteNameList(macs)
            .WriteNameList(["none"]).WriteNameList(["none"])
            .WriteNameList([]).WriteNameList([])
            .WriteBoolean(firstKexPacketFollows).WriteUInt32(0);
        string[] none = ["none"];
        return new KexInitMessage(writer.ToArray(), keyExchange, hostKey, ciphers, ciphers, macs, macs, none, none, firstKexPacketFollows);
    }
}
