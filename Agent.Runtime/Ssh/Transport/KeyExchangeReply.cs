using Agent.Runtime.Ssh.Algorithms.Ciphers;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>What <see cref="ServerKeyExchange.Respond"/> produced: the KEX_ECDH_REPLY to send, the session id, and the new keys each way.</summary>
internal sealed record KeyExchangeReply(byte[] Payload, byte[] SessionId, IPacketProtection Send, IPacketProtection Receive);
