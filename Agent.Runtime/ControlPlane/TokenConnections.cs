using System.Reactive.Disposables;
using Agent.Runtime.Net;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Counts the control plane's connections by who authenticated on them: agent tokens (in all, and per token) and
/// user tokens (their own pool), so that a fleet of agents, however large or hostile, cannot take the slots people
/// need. Replicas of the same control plane opening streams for their users have a pool of their own too. A
/// connection is counted under the token of its first authenticated request until it closes.
/// </summary>
internal sealed class TokenConnections
{
    private readonly Lock _gate = new();
    private readonly HeldCounts<Guid> _byAgent = new();
    private readonly int _agents;
    private readonly int _perAgent;
    private readonly int _users;
    private readonly int _replicas;
    private int _agentCount;
    private int _userCount;
    private int _replicaCount;

    public TokenConnections(int agents, int perAgent, int users, int replicas = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        _replicas = replicas;
        ArgumentOutOfRangeException.ThrowIfLessThan(perAgent, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(agents, perAgent);
        ArgumentOutOfRangeException.ThrowIfLessThan(users, 1);
        _agents = agents;
        _perAgent = perAgent;
        _users = users;
    }

    /// <summary>Connections that carried an agent token.</summary>
    public int AgentCount
    {
        get
        {
            lock (_gate)
                return _agentCount;
        }
    }

    /// <summary>Connections that carried a user token.</summary>
    public int UserCount
    {
        get
        {
            lock (_gate)
                return _userCount;
        }
    }

    /// <summary>Connections that carried a replica's credentials.</summary>
    public int ReplicaCount
    {
        get
        {
            lock (_gate)
                return _replicaCount;
        }
    }

    /// <summary>Counts a connection of a replica; <c>null</c> when the replicas' pool is full.</summary>
    public IDisposable? TryAdmitReplica()
    {
        lock (_gate)
        {
            if (_replicaCount >= _replicas)
                return null;
            _replicaCount++;
            return Disposable.Create(ReleaseReplica);
        }
    }

    /// <summary>Counts a connection of agent <paramref name="token"/>; <c>null</c> when that token or all agents are at the cap.</summary>
    public IDisposable? TryAdmitAgent(Guid token, out int held)
    {
        lock (_gate)
        {
            held = _byAgent.Held(token);
            if (held >= _perAgent || _agentCount >= _agents)
                return null;
            _byAgent.Add(token);
            _agentCount++;
            return Disposable.Create(() => ReleaseAgent(token));
        }
    }

    /// <summary>Counts a connection of a user; <c>null</c> when the users' pool is full.</summary>
    public IDisposable? TryAdmitUser()
    {
        lock (_gate)
        {
            if (_userCount >= _users)
                return null;
            _userCount++;
            return Disposable.Create(ReleaseUser);
        }
    }

    private void ReleaseAgent(Guid token)
    {
        lock (_gate)
        {
            _agentCount--;
            _byAgent.Remove(token);
        }
    }

    private void ReleaseReplica()
    {
        lock (_gate)
            _replicaCount--;
    }

    private void ReleaseUser()
    {
        lock (_gate)
            _userCount--;
    }
}
