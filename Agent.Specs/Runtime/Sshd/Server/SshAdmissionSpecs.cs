using System.Net;
using Agent.Runtime.Net;
using Agent.Runtime.Sshd.Server;

namespace Agent.Specs.Runtime.Sshd.Server;

public class SshAdmissionSpecs
{
    private static readonly IPEndPoint Attacker = new(IPAddress.Parse("127.0.0.2"), 40000);

    [Fact]
    public void Constructor_ArgumentChecking()
    {
        Assert.Throws<ArgumentException>(() => new SshAdmission(new SshAdmissionLimits(StartupsBegin: 10, StartupsFull: 10)));
        Assert.Throws<ArgumentException>(() => new SshAdmission(new SshAdmissionLimits(StartupsRate: 101)));
        Assert.Throws<ArgumentException>(() => new SshAdmission(new SshAdmissionLimits(PerSource: 0)));
    }

    [Fact]
    public void TryAdmit_OneSourceBeyondItsCap_RefusedWithoutCountingAndOthersAdmitted()
    {
        var admission = new SshAdmission(random: new ScriptedRandom());
        var held = Enumerable.Range(0, 10).Select(i => admission.TryAdmit(Attacker, out _)).ToList();

        for (var i = 0; i < 300; i++)
        {
            Assert.Null(admission.TryAdmit(new IPEndPoint(Attacker.Address, 41000 + i), out var refusal));
            Assert.Equal(SshAdmissionRefusal.PerSource, refusal);
        }

        Assert.All(held, Assert.NotNull);
        Assert.Equal(10, admission.Unauthenticated);
        Assert.NotNull(admission.TryAdmit(new IPEndPoint(IPAddress.Loopback, 50000), out var other));
        Assert.Equal(SshAdmissionRefusal.None, other);
    }

    [Theory]
    [InlineData(11, 30)]
    [InlineData(50, 61)]
    [InlineData(99, 99)]
    public void TryAdmit_BeyondBegin_DropsWithSshdsLinearProbability(int held, int percent)
    {
        // With n held (n > 10) sshd's formula gives 30 + 70 * (n - 10) / 90 percent, in integers.
        var random = new ScriptedRandom();
        var admission = new SshAdmission(random: random);
        for (var i = 0; i < held; i++)
            Assert.NotNull(admission.TryAdmit(Source(i), out _));

        random.Draw = percent - 1;
        Assert.Null(admission.TryAdmit(Source(1000), out var dropped));
        Assert.Equal(SshAdmissionRefusal.RandomEarlyDrop, dropped);
        random.Draw = percent;
        Assert.NotNull(admission.TryAdmit(Source(1001), out _));
        Assert.Equal(held + 1, admission.Unauthenticated);
    }

    [Fact]
    public void TryAdmit_AtFull_RefusedWhateverTheDraw()
    {
        var admission = new SshAdmission(random: new ScriptedRandom());
        for (var i = 0; i < 100; i++)
            Assert.NotNull(admission.TryAdmit(Source(i), out _));

        Assert.Null(admission.TryAdmit(Source(1000), out var refusal));
        Assert.Equal(SshAdmissionRefusal.StartupsFull, refusal);
    }

    [Fact]
    public void TryAdmit_UpToBegin_NeverDrawsAtRandom()
    {
        var random = new ScriptedRandom { Draw = 0 };
        var admission = new SshAdmission(random: random);
        for (var i = 0; i <= 10; i++)
            Assert.NotNull(admission.TryAdmit(Source(i), out _));
        Assert.Equal(0, random.Calls);
    }

    [Fact]
    public void TryAuthenticate_FreesTheUnauthenticatedSlotsOfTheSource()
    {
        var admission = new SshAdmission(new SshAdmissionLimits(PerSource: 1));
        using var lease = admission.TryAdmit(Attacker, out _)!;
        Assert.Null(admission.TryAdmit(Attacker, out _));

        Assert.True(lease.TryAuthenticate());

        Assert.Equal((0, 1), (admission.Unauthenticated, admission.Authenticated));
        using var next = admission.TryAdmit(Attacker, out _);
        Assert.NotNull(next);
    }

    [Fact]
    public void TryAuthenticate_AuthenticatedFull_RefusesAndNewConnectionsAreRefused()
    {
        var admission = new SshAdmission(new SshAdmissionLimits(MaxAuthenticated: 1));
        using var first = admission.TryAdmit(Source(1), out _)!;
        using var second = admission.TryAdmit(Source(2), out _)!;
        Assert.True(first.TryAuthenticate());

        Assert.False(second.TryAuthenticate());
        Assert.Null(admission.TryAdmit(Source(3), out var refusal));
        Assert.Equal(SshAdmissionRefusal.AuthenticatedFull, refusal);
        Assert.Equal((0, 1), (admission.Unauthenticated, admission.Authenticated));
        first.Dispose();
        Assert.Equal(0, admission.Authenticated);
    }

    [Fact]
    public void Dispose_Twice_ReleasesOnce()
    {
        var admission = new SshAdmission();
        var lease = admission.TryAdmit(Attacker, out _)!;
        using var other = admission.TryAdmit(Attacker, out _)!;
        lease.Dispose();
        lease.Dispose();
        Assert.Equal(1, admission.Unauthenticated);
    }

    [Theory]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("::ffff:127.0.0.2", "127.0.0.2", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    public void SourceOf_IPv6By64AndMappedIPv4_SameSourceWhenExpected(string a, string b, bool same)
    {
        var sourceA = SourceCounts.SourceOf(new IPEndPoint(IPAddress.Parse(a), 1));
        var sourceB = SourceCounts.SourceOf(new IPEndPoint(IPAddress.Parse(b), 2));
        Assert.Equal(same, sourceA.Equals(sourceB));
    }

    private static IPEndPoint Source(int i) => new(new IPAddress([10, 0, (byte)(i / 250), (byte)(i % 250)]), 22000);
}
