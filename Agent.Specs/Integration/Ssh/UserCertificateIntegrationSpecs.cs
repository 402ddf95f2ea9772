
using Agent.Runtime.Ssh.Auth;
using Agent.Specs.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Ssh;

/// <summary>
/// OpenSSH user certificates (made by <c>ssh-keygen -s</c>) with the real ssh against <c>agent dev --ssh-address</c>
/// (cert-authority lines and <c>--trusted-user-ca-keys</c>), and once through <c>agent ssh-server --inetd</c>: each
/// check accepted and refused.
/// </summary>
[Collection(UserKeyCollection.Name)]
public sealed class UserCertificateIntegrationSpecs(UserKeyFixture agent)
{
    private static readonly string User = Environment.UserName;

    [Fact]
    public async Task CertAuthorityLine_LetsItsCertificatesIn_ButNeverTheCaKeyItself()
    {
        agent.Write(agent.AuthorizedKeys, $"cert-authority {agent.Line(agent.Authority)}\n");
        var certificate = await agent.CertifyAsync(agent.Authority, agent.UserKey, User);

        var accepted = await agent.RunSshAsync(agent.UserKey, certificate, null, null, ["-tt"], "tty");
        var plainKey = await agent.SshAsync("echo in");
        var caKey = await agent.RunSshAsync(agent.Authority, null, null, null, [], "echo in");

        Assert.Contains("/dev/pts/", accepted.Text, StringComparison.Ordinal);
        Assert.Equal(255, plainKey.ExitCode);
        Assert.Equal(255, caKey.ExitCode);
    }

    [Fact]
    public async Task Principals_MustNameTheUser_OrOneOfTheLinePrincipals()
    {
        var certificate = await agent.CertifyAsync(agent.Authority, agent.UserKey, "deploy");
        agent.Write(agent.AuthorizedKeys, $"cert-authority {agent.Line(agent.Authority)}\n");
        var notTheUser = await Run(certificate, "echo in");
        agent.Write(agent.AuthorizedKeys, $"cert-authority,principals=\"ops,deploy\" {agent.Line(agent.Authority)}\n");
        var listed = await Run(certificate, "echo in");

        Assert.Equal(255, notTheUser.ExitCode);
        Assert.Equal("in\n", listed.Text);
    }

    [Fact]
    public async Task ValidityInterval_RefusesExpiredAndNotYetValidCertificates()
    {
        agent.Write(agent.AuthorizedKeys, $"cert-authority {agent.Line(agent.Authority)}\n");
        var expired = await Run(await agent.CertifyAsync(agent.Authority, agent.UserKey, User, "-V", "20200101:20200102"), "echo in");
        var early = await Run(await agent.CertifyAsync(agent.Authority, agent.UserKey, User, "-V", "+1d:+2d"), "echo in");

        Assert.Equal(255, expired.ExitCode);
        Assert.Equal(255, early.ExitCode);
        Assert.Contains("it expired at 2020-01-02", agent.Agent.Output, StringComparison.Ordinal);
        Assert.Contains("it is not valid before", agent.Agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostCertificateAndUnknownCriticalOption_AreRefused()
    {
        agent.Write(agent.AuthorizedKeys, $"cert-authority {agent.Line(agent.Authority)}\n");
        var host = await Run(await agent.CertifyAsync(agent.Authority, agent.UserKey, User, "-h"), "echo in");
        var critical = await Run(await agent.CertifyAsync(agent.Authority, agent.UserKey, User, "-O", "critical:spec-option=x"), "echo in");

        // OpenSSH does not even offer a host certificate as a user's: the server side is in UserKeyAuthorizerSpecs.
        Assert.Equal(255, host.ExitCode);
        Assert.Equal(255, critical.ExitCode);
        Assert.Contains("unknown critical option \"spec-option\"", agent.Agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SourceAddress_AdmitsOnlyItsNetworks()
    {
        agent.Write(agent.AuthorizedKeys, $"cert-authority {agent.Line(agent.Authority)}\n");
        var elsewhere = await Run(await agent.CertifyAsync(agent.Authority, agent.UserKey, User, "-O", "source-address=10.0.0.0/8"), "echo in");
        var here = await Run(await agent.CertifyAsync(agent.Authority, agent.UserKey, User, "-O", "source-address=10.0.0.0/8,127.0.0.1/32"), "echo in");

        Assert.Equal(255, elsewhere.ExitCode);
        Assert.Equal("in\n", here.Text);
    }

    [Fact]
    public async Task ForceCommandAndMissingExtensions_Restrict_AndCombineWithTheLineOptions()
    {
        using var echo = EchoServer.Tcp();
        agent.Write(agent.AuthorizedKeys, $"cert-authority,no-agent-forwarding {agent.Line(agent.Authority)}\n");
        var bare = await agent.CertifyAsync(agent.Authority, agent.UserKey, User, "-O", "clear", "-O", "force-command=echo forced $SSH_ORIGINAL_COMMAND");
        var full = await agent.CertifyAsync(agent.Authority, agent.UserKey, User);

        var forced = await Run(bare, "echo asked");
        var noPty = await agent.RunSshAsync(agent.UserKey, bare, null, null, ["-tt"], "tty");
        var noForwarding = await agent.RunSshAsync(agent.UserKey, bare, null, null, ["-W", $"127.0.0.1:{echo.Port}"], null);
        var forwarding = await agent.RunSshAsync(agent.UserKey, full, null, "x"u8.ToArray(), ["-W", $"127.0.0.1:{echo.Port}"], null);
        agent.Write(agent.AuthorizedKeys, $"cert-authority,command=\"echo other\" {agent.Line(agent.Authority)}\n");
        var conflicting = await Run(bare, "echo asked");

        Assert.Equal("forced echo asked\n", forced.Text);
        Assert.Contains("PTY allocation request failed", noPty.Error, StringComparison.Ordinal);
        Assert.Contains("stdio forwarding failed", noForwarding.Error, StringComparison.Ordinal);
        Assert.Equal("echo:x", forwarding.Text);
        Assert.Equal(255, conflicting.ExitCode);
    }

    [Fact]
    public async Task TrustedUserCaKeys_AcceptRsaCertificatesForTheUserOnly()
    {
        agent.Write(agent.AuthorizedKeys, string.Empty);
        agent.Write(agent.TrustedAuthorities, $"{agent.Line(agent.RsaAuthority)}\n");
        var mine = await agent.CertifyAsync(agent.RsaAuthority, agent.RsaUserKey, $"{User},admin");
        var others = await agent.CertifyAsync(agent.RsaAuthority, agent.RsaUserKey, "admin");

        var accepted = await agent.RunSshAsync(agent.RsaUserKey, mine, null, null, [], "echo in");
        var refused = await agent.RunSshAsync(agent.RsaUserKey, others, null, null, [], "echo in");
        agent.Write(agent.TrustedAuthorities, string.Empty);

        Assert.Equal("in\n", accepted.Text);
        Assert.Equal(255, refused.ExitCode);
        Assert.Contains("authenticated with a rsa-sha2-512-cert-v01@openssh.com key", agent.Agent.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SshServerInetd_TrustedUserCaKeysAndKeyOptions_Apply()
    {
        using var directory = new TempDirectory();
        var authorities = directory.Combine("ca_keys");
        var authorizedKeys = directory.Combine("authorized_keys");
        File.WriteAllText(authorities, agent.Line(agent.Authority) + "\n");
        File.WriteAllText(authorizedKeys, $"command=\"echo key-forced\" {agent.Line(agent.RsaUserKey)}\n");
        var certificate = await agent.CertifyAsync(agent.Authority, agent.UserKey, User, "-O", "force-command=echo cert-forced");
        var proxy = $"dotnet {AgentBinary.Path} ssh-server --inetd --host-key-dir {directory.Combine("host-keys")} --authorized-keys {authorizedKeys} --trusted-user-ca-keys {authorities}";

        var viaCertificate = await Inetd(agent.UserKey, certificate);
        var viaKey = await Inetd(agent.RsaUserKey, null);

        Assert.Equal("cert-forced\n", viaCertificate.Text);
        Assert.Equal("key-forced\n", viaKey.Text);

        Task<ProcessRunner.Result> Inetd(string identity, string? cert)
            => ProcessRunner.RunAsync(
                "ssh",
                [
                    "-F", "/dev/null", "-i", identity, .. cert is null ? Array.Empty<string>() : ["-o", $"CertificateFile={cert}"],
                    "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                    "-o", "LogLevel=ERROR", "-o", $"ProxyCommand={proxy}", "workspace", "echo asked",
                ],
                [],
                TimeSpan.FromSeconds(60));
    }

    private Task<ProcessRunner.Result> Run(string certificate, string command)
        => agent.RunSshAsync(agent.UserKey, certificate, null, null, [], command);
}
