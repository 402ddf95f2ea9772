using System.Net;
using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Fakes.SshTransport;
using Agent.Specs.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Auth;

/// <summary>
/// Which key or certificate may log in and with what, against authorized_keys text and certificates made by
/// <c>ssh-keygen -s</c>, on a clock that stands at 2026-01-02 00:00 UTC (certificates are valid 01-01 to 01-03).
/// </summary>
public sealed class UserKeyAuthorizerSpecs : IDisposable
{
    private const string User = "alice";
    private static readonly IPEndPoint Loopback = new(IPAddress.Loopback, 40000);
    private readonly TempDirectory _directory = new();
    private readonly ManualTimeProvider _time = new();
    private readonly RecordingLogger _logger = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Authorize_PlainKeyWithoutOptions_IsUnrestricted()
    {
        var key = NewKey("id");

        Assert.Same(LoginRestrictions.None, Authorize(Line(key), Blob(key)));
    }

    [Fact]
    public void Authorize_KeyOnSeveralLines_TakesTheFirstLineWhoseFromAdmitsTheClient()
    {
        var key = NewKey("id");
        var text = $"from=\"10.0.0.0/8\",no-pty {Line(key)}\nfrom=\"127.0.0.1\",command=\"second\" {Line(key)}\ncommand=\"third\" {Line(key)}\n";

        Assert.Equal("second", Authorize(text, Blob(key))!.ForcedCommand);
        Assert.Equal("third", AuthorizeFrom(text, Blob(key), new IPEndPoint(IPAddress.Parse("192.0.2.7"), 1))!.ForcedCommand);
        Assert.Contains(_logger.Warnings, w => w.Contains("192.0.2.7 is not in from=\"10.0.0.0/8\"", StringComparison.Ordinal));
    }

    [Fact]
    public void Authorize_FromWithAnUnknownClientAddress_Refuses()
    {
        var key = NewKey("id");

        Assert.Null(AuthorizeFrom($"from=\"*\" {Line(key)}", Blob(key), null));
    }

    [Fact]
    public void Authorize_ExpiryTime_RefusesFromThatMomentOn()
    {
        var key = NewKey("id");

        Assert.Null(Authorize($"expiry-time=\"20260102Z\" {Line(key)}", Blob(key)));
        Assert.NotNull(Authorize($"expiry-time=\"202601020001Z\" {Line(key)}", Blob(key)));
    }

    [Fact]
    public void Authorize_CaKeyAsAPlainKeyOnItsCertAuthorityLine_Refuses()
    {
        var ca = NewKey("ca");

        Assert.Null(Authorize($"cert-authority {Line(ca)}", Blob(ca)));
    }

    [Fact]
    public void Authorize_CertificateOfACertAuthorityLine_GetsItsExtensions()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));

        var restrictions = Authorize($"cert-authority {Line(ca)}", Certify(ca, key, User));

        Assert.Equal(LoginRestrictions.None, restrictions);
    }

    [Fact]
    public void Authorize_CertificateWhoseKeyIdForgesALogLine_IsLoggedEscapedAndShort()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));
        var keyId = "innocent\n2026-01-02 00:00:00 [INF] SSH user root authenticated" + new string('x', 4000);

        Assert.Null(Authorize(Line(NewKey("other")), Certify(ca, key, User, "-I", keyId)));

        var refusal = Assert.Single(_logger.Warnings, w => w.Contains("innocent", StringComparison.Ordinal));
        Assert.DoesNotContain("\n", refusal, StringComparison.Ordinal);
        Assert.Contains("innocent\\x0a2026", refusal, StringComparison.Ordinal);
        Assert.True(refusal.Length < 400, refusal);
    }

    [Fact]
    public void Authorize_CertificateWithoutExtensions_PermitsNothing()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));

        var restrictions = Authorize($"cert-authority {Line(ca)}", Certify(ca, key, User, "-O", "clear"));

        Assert.Equal(LoginRestrictions.Restricted, restrictions);
    }

    [Fact]
    public void Authorize_CertificateOutsideItsValidity_Refuses()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));
        var text = $"cert-authority {Line(ca)}";
        var certificate = Certify(ca, key, User);

        _time.Advance(TimeSpan.FromDays(1));
        Assert.Null(Authorize(text, certificate));
        Assert.Contains("expired", _logger.Warnings.Last(), StringComparison.Ordinal);
        Assert.Null(Authorize(text, Certify(ca, key, User, "-V", "20260103000001Z:20270101Z")));
        Assert.Contains("not valid before", _logger.Warnings.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_HostCertificate_Refuses()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));

        Assert.Null(Authorize($"cert-authority {Line(ca)}", Certify(ca, key, User, "-h")));
        Assert.Contains("not a user certificate", _logger.Warnings.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_Principals_MustNameTheUserOrOneOfTheLinePrincipals()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));
        var deploy = Certify(ca, key, "deploy,ci");

        Assert.Null(Authorize($"cert-authority {Line(ca)}", deploy));
        Assert.NotNull(Authorize($"cert-authority,principals=\"ci\" {Line(ca)}", deploy));
        Assert.Null(Authorize($"cert-authority,principals=\"ops\" {Line(ca)}", Certify(ca, key, User)));
    }

    [Fact]
    public void Authorize_UnknownCriticalOption_Refuses()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));

        Assert.Null(Authorize($"cert-authority {Line(ca)}", Certify(ca, key, User, "-O", "critical:verify-everything=yes")));
        Assert.Contains("unknown critical option \"verify-everything\"", _logger.Warnings.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_SourceAddress_AdmitsOnlyItsNetworks()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));
        var certificate = Certify(ca, key, User, "-O", "source-address=127.0.0.0/8,::1");
        var text = $"cert-authority {Line(ca)}";

        Assert.NotNull(Authorize(text, certificate));
        Assert.Null(AuthorizeFrom(text, certificate, new IPEndPoint(IPAddress.Parse("10.1.2.3"), 1)));
        Assert.Null(AuthorizeFrom(text, certificate, null));
    }

    [Fact]
    public void Authorize_CertificateAndLineOptions_CombineTheMostRestrictive()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));
        var certificate = Certify(ca, key, User, "-O", "force-command=echo forced", "-O", "no-agent-forwarding");

        var restrictions = Authorize($"cert-authority,no-port-forwarding {Line(ca)}", certificate)!;

        Assert.Equal("echo forced", restrictions.ForcedCommand);
        Assert.True(restrictions.Pty);
        Assert.False(restrictions.PortForwarding);
        Assert.False(restrictions.AgentForwarding);
        Assert.True(restrictions.X11Forwarding);
        Assert.Null(Authorize($"cert-authority,command=\"other\" {Line(ca)}", certificate));
    }

    [Fact]
    public void Authorize_TrustedCaKeys_RequireAPrincipalEqualToTheUser()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));
        var trusted = _directory.Combine("trusted");
        File.WriteAllText(trusted, Line(ca) + "\n");

        Assert.Equal(LoginRestrictions.None, Authorize(string.Empty, Certify(ca, key, User), trusted: trusted));
        Assert.Null(Authorize(string.Empty, Certify(ca, key, "bob"), trusted: trusted));
        Assert.Null(Authorize(string.Empty, Blob(ca), trusted: trusted));
    }

    [Fact]
    public void Authorize_CertificateOfAnUntrustedCa_Refuses()
    {
        var (ca, other, key) = (NewKey("ca"), NewKey("other"), NewKey("id"));

        // The certified key itself is authorized as a plain key: a certificate is still judged by its CA alone.
        Assert.Null(Authorize($"{Line(key)}\ncert-authority {Line(ca)}", Certify(other, key, User)));
        Assert.Contains("is not trusted", _logger.Warnings.Last(), StringComparison.Ordinal);
    }

    [Fact]
    public void Authorize_CertificateWithAForgedField_Refuses()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));
        var certificate = Certify(ca, key, "mallory");
        var at = certificate.AsSpan().IndexOf("mallory"u8);
        "alice\0\0"u8.CopyTo(certificate.AsSpan(at)); // Same length: the certificate still parses.

        Assert.Null(Authorize($"cert-authority {Line(ca)}", certificate));
    }

    [Theory]
    [InlineData("rsa", "2048", "ecdsa", "256")]
    [InlineData("ecdsa", "384", "ecdsa", "521")]
    [InlineData("ecdsa", "521", "rsa", "3072")]
    [InlineData("ed25519", "256", "ecdsa", "384")]
    public void Authorize_EachCaAndKeyType_IsAccepted(string caType, string caBits, string keyType, string keyBits)
    {
        var (ca, key) = (NewKey("ca", caType, caBits), NewKey("id", keyType, keyBits));
        var certificate = Certify(ca, key, User);

        Assert.NotNull(Authorize($"cert-authority {Line(ca)}", certificate));
        Assert.Equal($"{SshCertificate.TypeOf(Blob(key))}{SshCertificate.Suffix}", SshCertificate.TypeOf(certificate));
    }

    [Fact]
    public void Authorize_MutatedOrTruncatedCertificates_AreRefusedWithoutThrowing()
    {
        var (ca, key) = (NewKey("ca"), NewKey("id"));
        var certificate = Certify(ca, key, User);
        var authorizer = Authorizer($"cert-authority {Line(ca)}", null);
        var random = new Random(10);

        for (var i = 0; i < 3000; i++)
        {
            var copy = (byte[])certificate.Clone();
            for (var flips = random.Next(1, 4); flips > 0; flips--)
                copy[random.Next(copy.Length)] ^= (byte)random.Next(1, 256);
            var blob = i % 3 == 0 ? copy.AsMemory(0, random.Next(copy.Length)) : copy;

            Assert.Null(authorizer.Authorize(new SshKeyRequest(User, "any", blob, Loopback)));
        }

        Assert.NotNull(authorizer.Authorize(new SshKeyRequest(User, "any", certificate, Loopback)));
    }

    private static string Line(string key) => File.ReadAllText(key + ".pub").Trim();

    private static byte[] Blob(string key) => Convert.FromBase64String(Line(key).Split(' ')[1]);

    private string NewKey(string name, string type = "ed25519", string bits = "256")
    {
        var path = _directory.Combine(name);
        HostKeyStoreSpecs.Run("ssh-keygen", "-q", "-t", type, "-b", bits, "-N", string.Empty, "-C", name, "-f", path);
        return path;
    }

    // Valid from 2026-01-01 to 2026-01-03 UTC unless the options say otherwise (ssh-keygen keeps the last -V).
    private byte[] Certify(string ca, string key, string principals, params string[] options)
    {
        HostKeyStoreSpecs.Run("ssh-keygen", ["-q", "-s", ca, "-I", "spec-cert", "-n", principals, "-V", "20260101Z:20260103Z", .. options, key + ".pub"]);
        var blob = Convert.FromBase64String(File.ReadAllText(key + "-cert.pub").Split(' ')[1]);
        File.Delete(key + "-cert.pub");
        return blob;
    }

    private LoginRestrictions? Authorize(string authorizedKeys, byte[] blob, string? trusted = null)
        => AuthorizeFrom(authorizedKeys, blob, Loopback, trusted);

    private LoginRestrictions? AuthorizeFrom(string authorizedKeys, byte[] blob, IPEndPoint? remote, string? trusted = null)
        => Authorizer(authorizedKeys, trusted).Authorize(new SshKeyRequest(User, "any", blob, remote));

    private UserKeyAuthorizer Authorizer(string authorizedKeys, string? trusted)
    {
        var path = _directory.Combine("authorized_keys");
        File.WriteAllText(path, authorizedKeys);
        return new UserKeyAuthorizer(
            new AuthorizedKeysFile(path, _logger),
            trusted is null ? null : new AuthorizedKeysFile(trusted, _logger),
            _time,
            _logger);
    }
}
