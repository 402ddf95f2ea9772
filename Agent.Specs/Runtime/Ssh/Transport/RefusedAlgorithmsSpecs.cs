using Agent.Runtime.Ssh.Algorithms.KeyExchange;
using Agent.Runtime.Ssh.Keys;
using Agent.Runtime.Ssh.Transport;
using Agent.Runtime.Ssh.Wire;
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging.Abstractions;

namespace Agent.Specs.Runtime.Ssh.Transport;

/// <summary>
/// The algorithms left out on purpose (CBC ciphers, SHA-1 and MD5 MACs, the SHA-1 and group-exchange Diffie-Hellman
/// methods, DSA) are never offered; OpenSSH insisting on one fails to negotiate, and the agent's log says which and why.
/// </summary>
public sealed class RefusedAlgorithmsSpecs : IDisposable
{
    private readonly TempDirectory _directory = new();

    public RefusedAlgorithmsSpecs()
    {
        OpenSshClient.Prepare(_directory);
    }

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void ServerOffer_HasNoneOfTheRefusedAlgorithms()
    {
        using var store = HostKeyStore.LoadOrCreateIn(_directory.Combine("keys"), NullLogger.Instance);
        IEnumerable<string> offered =
        [
            .. KeyExchangeMethods.ServerPreference, .. store.SignatureAlgorithms, .. SshServerOptions.SupportedCiphers, .. SshServerOptions.SupportedMacs,
        ];

        Assert.Empty(offered.Intersect(RefusedAlgorithms.Reasons.Keys));
    }

    [Fact]
    public void Negotiate_ClientOffersOnlyARefusedCipher_FailsNamingItAndWhy()
    {
        var server = KexInitMessage.Create(["curve25519-sha256"], ["ssh-ed25519"], ["aes128-ctr"], ["hmac-sha2-256"]);
        var client = KexInitMessage.Create(["curve25519-sha256"], ["ssh-ed25519"], ["3des-cbc"], ["hmac-sha2-256"]);

        var error = Assert.Throws<SshProtocolException>(() => NegotiatedAlgorithms.Negotiate(client, server));

        Assert.Equal(DisconnectReason.KeyExchangeFailed, error.Reason);
        Assert.Contains("no matching client-to-server cipher algorithm (client offered: 3des-cbc; server offers: aes128-ctr)", error.Message, StringComparison.Ordinal);
        Assert.Contains("3des-cbc is not supported on purpose (CBC mode", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cipher", "3des-cbc", "-o", "Ciphers=3des-cbc")]
    [InlineData("cipher", "aes256-cbc", "-o", "Ciphers=aes128-cbc,aes192-cbc,aes256-cbc")]
    [InlineData("MAC", "hmac-sha1", "-o", "Ciphers=aes128-ctr", "-o", "MACs=hmac-sha1,hmac-sha1-96,hmac-md5")]
    [InlineData("key exchange", "diffie-hellman-group1-sha1", "-o", "KexAlgorithms=diffie-hellman-group1-sha1")]
    [InlineData("key exchange", "diffie-hellman-group14-sha1", "-o", "KexAlgorithms=diffie-hellman-group14-sha1")]
    [InlineData("key exchange", "diffie-hellman-group-exchange-sha256", "-o", "KexAlgorithms=diffie-hellman-group-exchange-sha256,diffie-hellman-group-exchange-sha1")]
    [InlineData("host key", "ssh-dss", "-o", "HostKeyAlgorithms=ssh-dss")]
    public async Task OpenSsh_InsistingOnARefusedAlgorithm_FailsToNegotiateAndTheAgentLogsWhy(string what, string refused, params string[] options)
    {
        using var ssh = OpenSshClient.Start(_directory, null, [.. options, "--", "true"]);

        Assert.Equal(255, await ssh.WaitForExitAsync());

        var logged = ssh.Stderr.Split('\n').FirstOrDefault(line => line.Contains("no matching", StringComparison.Ordinal) && line.Contains("server offers", StringComparison.Ordinal));
        Assert.True(logged is not null, $"no log line of the agent about the negotiation:\n{ssh.Stderr}");
        Assert.Contains($"{what} algorithm", logged, StringComparison.Ordinal);
        Assert.Contains($"{refused} is not supported on purpose", logged, StringComparison.Ordinal);
        Assert.Contains("disconnecting (KeyExchangeFailed)", logged, StringComparison.Ordinal);
    }
}
