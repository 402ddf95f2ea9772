using System.Security.Cryptography;
using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// The server's half of one key exchange (RFC 4253 §7.2 and §8, RFC 5656 §4, RFC 8731): answers the client's
/// ephemeral value, signs the exchange hash with the negotiated host key, and derives both directions' keys.
/// </summary>
internal static class ServerKeyExchange
{
    /// <summary>
    /// Answers the client's KEX_ECDH_INIT <paramref name="payload"/>. <paramref name="sessionId"/> is the first
    /// exchange's hash, or <c>null</c> in the first exchange (whose hash becomes the session id).
    /// </summary>
    public static KeyExchangeReply Respond(
        SshServerOptions options,
        NegotiatedAlgorithms negotiated,
        string clientVersion,
        string serverVersion,
        KexInitMessage client,
        KexInitMessage server,
        ReadOnlySpan<byte> payload,
        byte[]? sessionId)
    {
        var clientValue = TransportMessages.ReadKexEcdhInit(payload);
        var method = options.KeyExchangeAlgorithms.First(k => k.Name == negotiated.KeyExchange).Create();
        var result = method.Respond(clientValue);
        var hostKey = FindHostKey(options, negotiated.HostKey);
        var hash = KeyDerivation.ExchangeHash(
            method.Hash,
            clientVersion,
            serverVersion,
            client.Payload,
            server.Payload,
            hostKey.PublicKeyBlob.Span,
            clientValue,
            result.ServerValue,
            result.EncodedSharedSecret);
        var session = sessionId ?? hash;
        var reply = TransportMessages.KexEcdhReply(hostKey.PublicKeyBlob.Span, result.ServerValue, hostKey.Sign(negotiated.HostKey, hash));

        // RFC 4253 §7.2: IVs 'A' (client to server) and 'B', keys 'C' and 'D', MAC keys 'E' and 'F'.
        byte[] Derive(char letter, int length) => KeyDerivation.Derive(method.Hash, result.EncodedSharedSecret, hash, letter, session, length);
        var send = PacketProtectionFactory.Create(
            negotiated.CipherServerToClient,
            negotiated.MacServerToClient,
            Derive('D', PacketProtectionFactory.KeyLength(negotiated.CipherServerToClient)),
            Derive('B', PacketProtectionFactory.IvLength(negotiated.CipherServerToClient)),
            Derive('F', PacketProtectionFactory.MacKeyLength(negotiated.CipherServerToClient, negotiated.MacServerToClient)));
        var receive = PacketProtectionFactory.Create(
            negotiated.CipherClientToServer,
            negotiated.MacClientToServer,
            Derive('C', PacketProtectionFactory.KeyLength(negotiated.CipherClientToServer)),
            Derive('A', PacketProtectionFactory.IvLength(negotiated.CipherClientToServer)),
            Derive('E', PacketProtectionFactory.MacKeyLength(negotiated.CipherClientToServer, negotiated.MacClientToServer)));
        CryptographicOperations.ZeroMemory(result.EncodedSharedSecret);
        return new KeyExchangeReply(reply, session, send, receive);
    }

    private static IHostKey FindHostKey(SshServerOptions options, string algorithm)
        => options.HostKeys.FirstOrDefault(k => k.SignatureAlgorithms.Contains(algorithm))
            ?? throw new SshProtocolException(DisconnectReason.KeyExchangeFailed, $"no host key for {algorithm}");
}
