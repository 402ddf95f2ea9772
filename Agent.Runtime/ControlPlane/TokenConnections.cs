namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Counts the control plane's connections by who authenticated on them: agent tokens (in all, and per token) and
/// user tokens (their own pool), so that a fleet of agents, however large or hostile, cannot take the slots people
/// need. A connection is counted under the token of its first authenticated request until it closes.
/// </summary>
internal sealed class TokenConnections
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, int> _byAgent = [];
    private readonly int _agents;
    private readonly int _perAgent;
    private readonly int _users;
    private int _agentCount;
    private int _userCount;

    public TokenConnections(int agents, int perAgent, int users)
    {
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

    /// <summary>Counts a connection of agent <paramref name="token"/>; <c>null</c> when that token or all agents are at the cap.</summary>
    public IDisposable? TryAdmitAgent(Guid token, out int held)
    {
        lock (_gate)
        {
            held = _byAgent.GetValueOrDefault(token);
            if (held >= _perAgent || _agentCount >= _agents)
                return null;
            _byAgent[token] = held + 1;
            _agentCount++;
            return new Release(() => ReleaseAgent(token));
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
            return new Release(ReleaseUser);
        }
    }

    private void ReleaseAgent(Guid token)
    {
        lock (_gate)
        {
            _agentCount--;
            var left = _byAgent[token] - 1;
            if (left == 0)
                _byAgent.Remove(token);
            else
                _byAgent[token] = left;
        }
    }

    private void ReleaseUser()
    {
        lock (_gate)
            _userCount--;
    }

    /// <summary>Gives one counted connection back, once.</summary>
    private sealed class Release(Action release) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
                release();
        }
    }
}
