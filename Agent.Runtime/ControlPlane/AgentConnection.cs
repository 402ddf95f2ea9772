using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Monitoring;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// Whether one agent is connected: its API calls (here, or a peer replica's word that it called there) within the
/// agent timeout, a timer re-armed by every call; and its relay, held here (counted) or by a peer replica (until that
/// replica says it closed, or stops beating). Changes go to the agent's feed. Callers hold the agent's lock (the one
/// given), except for <see cref="Dispose"/>; the timer takes it.
/// </summary>
internal sealed class AgentConnection : IDisposable
{
    private readonly Lock _gate;
    private readonly AgentEventFeed _feed;
    private readonly IScheduler _scheduler;
    private readonly TimeSpan _timeout;
    private readonly Action<RelayChanged> _announce;
    private readonly Subject<long> _activity = new();
    private readonly IDisposable _watch;
    private DateTimeOffset? _localCallAt;
    private long _sequence;
    private int _relays;
    private bool _disposed;

    /// <param name="gate">The agent's lock.</param>
    /// <param name="feed">The agent's feed.</param>
    /// <param name="scheduler">The clock and the timer.</param>
    /// <param name="timeout">The agent timeout.</param>
    /// <param name="announce">Told (under the lock) of each change of the relay held here, for the peer replicas.</param>
    public AgentConnection(Lock gate, AgentEventFeed feed, IScheduler scheduler, TimeSpan timeout, Action<RelayChanged> announce)
    {
        _gate = gate;
        _feed = feed;
        _scheduler = scheduler;
        _timeout = timeout;
        _announce = announce;
        _watch = _activity
            .Select(sequence => Observable.Timer(timeout, scheduler).Select(_ => sequence))
            .Switch()
            .Subscribe(OnQuiet);
        _feed.Publish(new ConnectionChanged(scheduler.Now, ConnectionState.Disconnected, "never connected"));
    }

    public bool Connected { get; private set; }

    /// <summary>When the agent last called (here or on a peer), or <c>null</c>.</summary>
    public DateTimeOffset? LastSeen { get; private set; }

    /// <summary>The peer replica that holds the agent's relay, or <c>null</c>.</summary>
    public Guid? RemoteRelay { get; private set; }

    public ConnectionState Relay => _relays > 0 || RemoteRelay is not null ? ConnectionState.Connected : ConnectionState.Disconnected;

    /// <summary>Whether the agent's last call to this replica is younger than the timeout: what it reports comes here.</summary>
    public bool CallsHere => _localCallAt is { } at && _scheduler.Now - at < _timeout;

    /// <summary>The agent called (here when <paramref name="local"/>, else a peer said so): connected until the timeout passes without another.</summary>
    /// <returns><c>false</c> once disposed (nothing changed).</returns>
    public bool Touch(DateTimeOffset at, bool local)
    {
        if (_disposed)
            return false;
        var now = _scheduler.Now;
        if (local)
            _localCallAt = now;
        LastSeen = LastSeen is { } seen && seen > at ? seen : at;
        if (!Connected)
        {
            Connected = true;
            _feed.Publish(new ConnectionChanged(now, ConnectionState.Connected));
        }

        _activity.OnNext(++_sequence);
        return true;
    }

    /// <summary>The database says the agent last called at <paramref name="at"/>: connected if that is younger than the timeout.</summary>
    public void StoredSeen(DateTimeOffset at)
    {
        if (_scheduler.Now - at < _timeout)
            _ = Touch(at, local: false);
        else if (LastSeen is null || LastSeen < at)
            LastSeen = at;
    }

    /// <summary>At start: when the agent was last seen before this process started.</summary>
    public void Restore(DateTimeOffset seen)
    {
        LastSeen = seen;
        _feed.Publish(new ConnectionChanged(_scheduler.Now, ConnectionState.Disconnected, $"last seen {seen:O}, not since the control plane started"));
    }

    /// <summary>Counts a relay held here until the result is disposed (which takes the lock).</summary>
    public IDisposable RelayAttached()
    {
        if (_relays++ == 0)
            Publish(new RelayChanged(_scheduler.Now, ConnectionState.Connected), local: true);
        return Disposable.Create(() =>
        {
            lock (_gate)
            {
                if (--_relays == 0)
                    Publish(new RelayChanged(_scheduler.Now, ConnectionState.Disconnected, "the relay closed"), local: true);
            }
        });
    }

    /// <summary>A newer relay replaced the one held here.</summary>
    public void RelayReplaced(string reason) => Publish(new RelayChanged(_scheduler.Now, ConnectionState.Connected, reason), local: true);

    /// <summary>What peer replica <paramref name="replica"/> said of the relay it holds (or held).</summary>
    public void RemoteRelayChanged(Guid replica, RelayChanged change)
    {
        if (change.State == ConnectionState.Connected)
        {
            RemoteRelay = replica;
            _feed.Publish(change with { At = _scheduler.Now });
        }
        else if (RemoteRelay == replica)
        {
            RemoteRelay = null;
            if (_relays == 0)
                _feed.Publish(change with { At = _scheduler.Now });
        }
    }

    /// <summary>The peer replica that held the relay stopped beating: the relay is gone with it.</summary>
    public void RemoteRelayGone()
    {
        if (RemoteRelay is not { } replica)
            return;
        RemoteRelay = null;
        if (_relays == 0)
            _feed.Publish(new RelayChanged(_scheduler.Now, ConnectionState.Disconnected, $"replica {replica:D}, which held the relay, stopped"));
    }

    public void Dispose()
    {
        _watch.Dispose();
        lock (_gate)
        {
            _disposed = true;
            _activity.Dispose();
        }
    }

    private void Publish(RelayChanged change, bool local)
    {
        if (change.State == ConnectionState.Connected || RemoteRelay is null)
            _feed.Publish(change);
        if (local)
            _announce(change);
    }

    private void OnQuiet(long sequence)
    {
        lock (_gate)
        {
            if (sequence != _sequence || !Connected)
                return;
            Connected = false;
            _feed.Publish(new ConnectionChanged(
                _scheduler.Now,
                ConnectionState.Disconnected,
                $"no API call for {_timeout.TotalSeconds:0.###} s"));
        }
    }
}
