namespace Agent.Runtime.Ssh.Transport;

/// <summary>
/// The rule for a client's guessed key exchange packet (<c>first_kex_packet_follows</c>, RFC 4253 section 7): the
/// guess is right only when both sides prefer the same key exchange method and the same host key algorithm (the
/// first of each list). A wrong guess is ignored and the client sends its packet again for the negotiated method.
/// OpenSSH and Dropbear (without its <c>kexguess2</c> extension, which we do not offer) judge it the same way; a
/// client's first choice that is merely negotiated is still a wrong guess, since the client resends in that case.
/// </summary>
internal static class FirstKexPacketGuess
{
    /// <summary>Whether the packet that follows <paramref name="client"/>'s KEXINIT must be ignored.</summary>
    public static bool MustIgnore(KexInitMessage client, KexInitMessage server)
        => client.FirstKexPacketFollows
            && !(SameFirst(client.KeyExchange, server.KeyExchange) && SameFirst(client.HostKey, server.HostKey));

    private static bool SameFirst(IReadOnlyList<string> client, IReadOnlyList<string> server)
        => client.Count > 0 && server.Count > 0 && string.Equals(client[0], server[0], StringComparison.Ordinal);
}
