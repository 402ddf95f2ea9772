using System.Reactive;
using System.Reactive.Concurrency;
using System.Reactive.Linq;
using System.Reactive.Subjects;
using Agent.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// Applies the peers' changes to this replica's agents (shown on their feeds and GET endpoints, neither journalled nor
/// announced again). Whenever the listener (re)connects, a peer's sequence has a gap, or a change was too large to
/// send, every agent is read again from the database: one reload at a time, the newest request waiting.
/// </summary>
internal sealed class ReplicaReceiver : IDisposable
{
    private readonly ControlPlaneStore _store;
    private readonly ReplicaInbox _inbox;
    private readonly Func<ControlPlaneAgent, CancellationToken, Task<bool>> _reload;
    private readonly ILogger _logger;
    private readonly Subject<string> _reloads = new();
    private readonly IDisposable _reloading;
    private readonly IDisposable _listening;

    /// <param name="store">This replica's agents.</param>
    /// <param name="self">This replica, whose own changes are ignored.</param>
    /// <param name="payloads">The channel (<see cref="ReplicaListener.Payloads"/>): <c>null</c> at each (re)connect.</param>
    /// <param name="reload">Reads one agent from the database into it; <c>false</c> when it was skipped.</param>
    /// <param name="scheduler">Where reloads complete.</param>
    /// <param name="logger">Where gaps, reloads and bad payloads are logged.</param>
    public ReplicaReceiver(
        ControlPlaneStore store,
        Guid self,
        IObservable<string?> payloads,
        Func<ControlPlaneAgent, CancellationToken, Task<bool>> reload,
        IScheduler scheduler,
        ILogger logger)
    {
        _store = store;
        _inbox = new ReplicaInbox(self);
        _reload = reload;
        _logger = logger;
        _reloading = _reloads
            .OneInFlight(new LatestWaits<string>(), (reason, _) => AgentObservable.FromTask(cancellation => ReloadAsync(reason, cancellation), scheduler)
                .Catch((Exception ex) =>
                {
                    _logger.ReloadFailed(ex.Message);
                    return Observable.Empty<Unit>();
                }))
            .Subscribe();
        _listening = payloads.Subscribe(Receive);
    }

    public void Dispose()
    {
        _listening.Dispose();
        _reloading.Dispose();

        // Completed, not disposed: a notification delivered while the listener stops is then dropped, not thrown.
        _reloads.OnCompleted();
    }

    private void Receive(string? payload)
    {
        if (payload is null)
        {
            _inbox.Reset();
            _logger.ListenerConnected();
            _reloads.OnNext("listening (again)");
            return;
        }

        var result = _inbox.Accept(payload);
        switch (result.Kind)
        {
            case InboxResultKind.Malformed:
                _logger.PayloadIgnored(payload.Length);
                return;
            case InboxResultKind.Gap:
                _logger.PeerGap(result.Sender);
                _reloads.OnNext($"a gap in the changes of replica {result.Sender:D}");
                break;
        }

        if (result.Received is not { } change)
            return;
        if (_store.FindByName(change.Agent) is not { } agent)
        {
            _logger.UnknownAgentChange(result.Sender, change.Agent);
            return;
        }

        if (change.Kind == AgentChangeKind.Reload)
            _reloads.OnNext($"a change of agent {change.Agent} too large to send");
        else
            agent.ApplyRemote(result.Sender, change);
    }

    private async Task<Unit> ReloadAsync(string reason, CancellationToken cancellationToken)
    {
        var reloaded = 0;
        foreach (var agent in _store.Agents)
        {
            if (await _reload(agent, cancellationToken).ConfigureAwait(false))
                reloaded++;
        }

        _logger.AgentsReloaded(reason, reloaded, _store.Agents.Count - reloaded);
        return Unit.Default;
    }
}
