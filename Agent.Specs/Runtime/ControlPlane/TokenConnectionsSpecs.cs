using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

public sealed class TokenConnectionsSpecs
{
    private static readonly Guid Main = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();

    [Fact]
    public void TryAdmitAgent_TokenAtItsShare_RefusesItButNotAnotherToken()
    {
        var budget = new TokenConnections(agents: 10, perAgent: 2, users: 1);
        budget.TryAdmitAgent(Main, out _);
        budget.TryAdmitAgent(Main, out _);

        var third = budget.TryAdmitAgent(Main, out var held);
        var other = budget.TryAdmitAgent(Other, out _);

        Assert.Null(third);
        Assert.Equal(2, held);
        Assert.NotNull(other);
        Assert.Equal(3, budget.AgentCount);
    }

    [Fact]
    public void TryAdmitUser_AllAgentsAtTheirCap_StillAdmitsAUser()
    {
        var budget = new TokenConnections(agents: 2, perAgent: 1, users: 1);
        budget.TryAdmitAgent(Main, out _);
        budget.TryAdmitAgent(Other, out _);

        Assert.Null(budget.TryAdmitAgent(Guid.NewGuid(), out _));
        Assert.NotNull(budget.TryAdmitUser());
        Assert.Null(budget.TryAdmitUser());
        Assert.Equal((2, 1), (budget.AgentCount, budget.UserCount));
    }

    [Fact]
    public void Dispose_Twice_FreesTheSlotOnce()
    {
        var budget = new TokenConnections(agents: 2, perAgent: 2, users: 1);
        var first = budget.TryAdmitAgent(Main, out _)!;
        budget.TryAdmitAgent(Main, out _);

        first.Dispose();
        first.Dispose();

        Assert.Equal(1, budget.AgentCount);
        Assert.NotNull(budget.TryAdmitAgent(Main, out _));
        Assert.Null(budget.TryAdmitAgent(Main, out _));
    }

    [Fact]
    public void Replicas_TheirPoolIsFull_UsersAndAgentsStillAdmitted()
    {
        var budget = new TokenConnections(agents: 2, perAgent: 1, users: 1, replicas: 1);

        using var replica = budget.TryAdmitReplica();

        Assert.NotNull(replica);
        Assert.Null(budget.TryAdmitReplica());
        using var user = budget.TryAdmitUser();
        using var agent = budget.TryAdmitAgent(Guid.NewGuid(), out _);
        Assert.NotNull(user);
        Assert.NotNull(agent);
    }

    [Fact]
    public void Options_MaxConnections_IncludesTheReplicasPool()
    {
        var options = new ControlPlaneOptions { MaxReplicaConnections = 7 };

        Assert.Equal((long)options.MaxUnauthenticatedConnections + options.MaxAgentConnections + options.MaxUserConnections + 7, options.MaxConnections);
    }
}
