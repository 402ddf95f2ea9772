using System.Net;
using Agent.Runtime.ControlPlane;
using Agent.Runtime.Net;

namespace Agent.Specs.Runtime.ControlPlane;

public sealed class ConnectionBudgetSpecs
{
    private static readonly IPEndPoint Attacker = new(IPAddress.Parse("127.0.0.2"), 40000);
    private static readonly IPEndPoint User = new(IPAddress.Loopback, 40001);

    [Fact]
    public void TryAdmit_SourceAtItsCap_RefusesItButNotAnotherSource()
    {
        var budget = new ConnectionBudget(perSource: 2, total: 10);

        var first = budget.TryAdmit(Attacker, out _, out _);
        var second = budget.TryAdmit(Attacker, out _, out _);
        var third = budget.TryAdmit(Attacker, out var source, out var held);
        var user = budget.TryAdmit(User, out _, out _);

        Assert.NotNull(first);
        Assert.NotNull(second);
        Assert.Null(third);
        Assert.Equal((IPAddress.Parse("127.0.0.2"), 2), (source, held));
        Assert.NotNull(user);
        Assert.Equal(3, budget.Count);
    }

    [Fact]
    public void Authenticated_FreesTheSlotOnceEvenWhenDisposedAfterwards()
    {
        var budget = new ConnectionBudget(perSource: 1, total: 1);
        var lease = budget.TryAdmit(User, out _, out _)!;

        lease.Authenticated();
        lease.Dispose();
        var next = budget.TryAdmit(User, out _, out _);

        Assert.NotNull(next);
        Assert.Equal(1, budget.Count);
    }

    [Fact]
    public void TryAdmit_EveryoneAtTheTotalCap_RefusesANewSource()
    {
        var budget = new ConnectionBudget(perSource: 2, total: 2);
        budget.TryAdmit(Attacker, out _, out _);
        budget.TryAdmit(new IPEndPoint(IPAddress.Parse("127.0.0.3"), 1), out _, out _);

        Assert.Null(budget.TryAdmit(User, out _, out _));
    }

    [Theory]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2::")]
    [InlineData("::ffff:10.0.0.7", "10.0.0.7")]
    [InlineData("10.0.0.7", "10.0.0.7")]
    public void SourceOf_Address_IsCountedByIPv4OrIPv6Slash64(string address, string source)
        => Assert.Equal(IPAddress.Parse(source), SourceCounts.SourceOf(new IPEndPoint(IPAddress.Parse(address), 1)));
}
