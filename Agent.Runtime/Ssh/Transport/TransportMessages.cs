using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>The transport layer's own messages (RFC 4253, RFC 8308), written and read.</summary>
internal static class TransportMessages
{
    // RFC 4253 §11.1 SSH_MSG_DISCONNECT: byte 1, uint32 reason code, string description (ISO-10646 UTF-8), string language tag
    public static byte[] Disconnect(DisconnectReason reason, string description)
        => new SshWriter(16 + description.Length).Write(MessageNumber.Disconnect).WriteUInt32((uint)reason).WriteString(description).WriteString(string.Empty).ToArray();

    // RFC 4253 §11.1 SSH_MSG_DISCONNECT (read): byte 1, uint32 reason code, string description, string language tag (ignored)
    public static (DisconnectReason Reason, string Description) ReadDisconnect(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload[1..]);
        var reason = (DisconnectReason)reader.ReadUInt32();
        return (reason, reader.ReadString());
    }

    // RFC 4253 §11.4 SSH_MSG_UNIMPLEMENTED: byte 3, uint32 packet sequence number of the rejected message
    public static byte[] Unimplemented(uint sequence)
        => new SshWriter(8).Write(MessageNumber.Unimplemented).WriteUInt32(sequence).ToArray();

    // RFC 4253 §10 SSH_MSG_SERVICE_REQUEST: byte 5, string service name
    public static string ReadServiceRequest(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload[1..]);
        var service = reader.ReadString();
        reader.EnsureEnd("SERVICE_REQUEST");
        return service;
    }

    // RFC 4253 §10 SSH_MSG_SERVICE_ACCEPT: byte 6, string service name
    public static byte[] ServiceAccept(string service)
        => new SshWriter(8 + service.Length).Write(MessageNumber.ServiceAccept).WriteString(service).ToArray();

    // RFC 8308 §2.3 SSH_MSG_EXT_INFO: byte 7, uint32 nr-extensions, then per extension string name, string value;
    // here the one extension "server-sig-algs" (§3.1) with a name-list value
    public static byte[] ExtInfoServerSigAlgs(IReadOnlyList<string> algorithms)
        => new SshWriter(64).Write(MessageNumber.ExtInfo).WriteUInt32(1).WriteString("server-sig-algs").WriteNameList(algorithms).ToArray();

    // RFC 4253 §7.3 SSH_MSG_NEWKEYS: byte 21, nothing else
    public static byte[] NewKeys() => [(byte)MessageNumber.NewKeys];

    // RFC 5656 §4 SSH_MSG_KEX_ECDH_INIT (RFC 8731 §3, sntrup761/ML-KEM hybrids alike): byte 30, string Q_C (client's ephemeral public value)
    public static byte[] ReadKexEcdhInit(ReadOnlySpan<byte> payload)
    {
        var reader = new SshReader(payload[1..]);
        var clientValue = reader.ReadBinary().ToArray();
        reader.EnsureEnd("KEX_ECDH_INIT");
        return clientValue;
    }

    // RFC 5656 §4 SSH_MSG_KEX_ECDH_REPLY: byte 31, string K_S (server's public host key), string Q_S (server's
    // ephemeral public value), string signature of the exchange hash H
    public static byte[] KexEcdhReply(ReadOnlySpan<byte> hostKey, ReadOnlySpan<byte> serverValue, ReadOnlySpan<byte> signature)
        => new SshWriter(32 + hostKey.Length + serverValue.Length + signature.Length).Write(MessageNumber.KexEcdhReply)
            .WriteBinary(hostKey).WriteBinary(serverValue).WriteBinary(signature).ToArray();
}
