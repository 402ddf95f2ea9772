using Agent.Runtime.Ssh.Algorithms.Ciphers;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Transport;

/// <summary>The algorithms both sides agreed on in one key exchange (RFC 4253 section 7.1: the client's first choice the server supports).</summary>
internal sealed record NegotiatedAlgorithms(
    string KeyExchange,
    string HostKey,
    string CipherClientToServer,
    string CipherServerToClient,
    string? MacClientToServer,
    string? MacServerToClient)
{
    /// <summary>Names that only signal features in the kex list and are never an algorithm.</summary>
    public static readonly IReadOnlySet<string> PseudoAlgorithms = new HashSet<string>(StringComparer.Ordinal)
    {
        "ext-info-c", "ext-info-s", "kex-strict-c-v00@openssh.com", "kex-strict-s-v00@openssh.com",
    };

    public static NegotiatedAlgorithms Negotiate(KexInitMessage client, KexInitMessage server)
    {
        var kex = Choose(client.KeyExchange.Where(n => !PseudoAlgorithms.Contains(n)).ToList(), server.KeyExchange, "key exchange");
        var hostKey = Choose(client.HostKey, server.HostKey, "host key");
        var cipherCs = Choose(client.CiphersClientToServer, server.CiphersClientToServer, "client-to-server cipher");
        var cipherSc = Choose(client.CiphersServerToClient, server.CiphersServerToClient, "server-to-client cipher");
        var macCs = PacketProtectionFactory.IsAead(cipherCs) ? null : Choose(client.MacsClientToServer, server.MacsClientToServer, "client-to-server MAC");
        var macSc = PacketProtectionFactory.IsAead(cipherSc) ? null : Choose(client.MacsServerToClient, server.MacsServerToClient, "server-to-client MAC");
        Choose(client.CompressionClientToServer, server.CompressionClientToServer, "client-to-server compression");
        Choose(client.CompressionServerToClient, server.CompressionServerToClient, "server-to-client compression");
        return new NegotiatedAlgorithms(kex, hostKey, cipherCs, cipherSc, macCs, macSc);
    }

    private static string Choose(IReadOnlyList<string> client, IReadOnlyList<string> server, string what)
    {
        foreach (var name in client)
        {
            if (!PseudoAlgorithms.Contains(name) && server.Contains(name))
                return name;
        }

        var refused = RefusedAlgorithms.Explain(client);
        throw new SshProtocolException(
            DisconnectReason.KeyExchangeFailed,
            $"no matching {what} algorithm (client offered: {string.Join(',', client)}; server offers: {string.Join(',', server)}){(refused.Length == 0 ? string.Empty : "; " + refused)}");
    }
}
