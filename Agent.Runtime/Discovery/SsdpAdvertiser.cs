using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using System.Reactive.Linq;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Discovery;

/// <summary>
/// The SSDP half of an agent's announcement, on <see cref="IScheduler"/> time and a send action (specs record the
/// datagrams): NOTIFY <c>ssdp:alive</c> for each notification type at start and every <paramref name="interval"/>;
/// M-SEARCH answered by unicast after a random delay of up to <c>MX</c> seconds (at most 5; none for a unicast search),
/// within each source's rate limit; NOTIFY <c>ssdp:byebye</c> at <see cref="Stop"/>. Malformed datagrams are ignored
/// with a debug log.
/// </summary>
public sealed class SsdpAdvertiser(
    SsdpIdentity identity,
    TimeSpan interval,
    IScheduler scheduler,
    Action<byte[], IPEndPoint> send,
    Func<double> random,
    SourceRateLimit limit,
    ILogger logger) : IDisposable
{
    /// <summary>The longest delay a search may ask for (UDA 1.1: MX above 5 counts as 5).</summary>
    public const int MaxMx = 5;

    private readonly CompositeDisposable _pending = [];
    private readonly SerialDisposable _announcements = new();
    private bool _stopped;

    public SsdpIdentity Identity => identity;

    /// <summary>Announces now and every interval until <see cref="Stop"/>.</summary>
    public void Start()
        => _announcements.Disposable = Observable.Timer(TimeSpan.Zero, interval, scheduler).Subscribe(_ => Announce());

    /// <summary>One datagram from <paramref name="source"/>; <paramref name="multicast"/> when it was sent to the group.</summary>
    public void Receive(ReadOnlySpan<byte> datagram, IPEndPoint source, bool multicast)
    {
        ArgumentNullException.ThrowIfNull(source);
        var message = SsdpMessage.TryParse(datagram, out var problem);
        if (message is null)
        {
            logger.SsdpDatagramIgnored(source, problem!);
            return;
        }

        if (!message.IsSearch)
            return;
        if (message["MAN"] != "\"ssdp:discover\"")
        {
            logger.SsdpDatagramIgnored(source, "an M-SEARCH whose MAN is not \"ssdp:discover\"");
            return;
        }

        if (message["ST"] is not { Length: > 0 } target)
        {
            logger.SsdpDatagramIgnored(source, "an M-SEARCH without ST");
            return;
        }

        var mx = 0;
        if (multicast && (!int.TryParse(message["MX"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out mx) || mx < 1))
        {
            logger.SsdpDatagramIgnored(source, "a multicast M-SEARCH without a valid MX");
            return;
        }

        var types = Matching(target);
        if (types.Count == 0)
            return;
        if (!limit.TryTake(source.Address, scheduler.Now))
        {
            logger.SsdpSearchRateLimited(source.Address);
            return;
        }

        var delay = TimeSpan.FromSeconds(random() * Math.Min(mx, MaxMx));
        logger.SsdpSearchAnswered(source, target, types.Count, delay);
        lock (_pending)
        {
            if (_stopped)
                return;
            var reply = new SingleAssignmentDisposable();
            _pending.Add(reply);
            reply.Disposable = scheduler.Schedule(delay, () =>
            {
                foreach (var type in types)
                    send(SsdpFormat.SearchResponse(identity, type, scheduler.Now), source);
                lock (_pending)
                    _pending.Remove(reply);
            });
        }
    }

    /// <summary>Stops announcing and answering, and sends <c>ssdp:byebye</c> for every notification type.</summary>
    public void Stop()
    {
        lock (_pending)
        {
            if (_stopped)
                return;
            _stopped = true;
            _pending.Dispose();
        }

        _announcements.Dispose();
        foreach (var type in SsdpFormat.NotificationTypes(identity.Uuid))
            send(SsdpFormat.ByeBye(identity, type), SsdpFormat.Group);
    }

    /// <summary>The same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();

    private void Announce()
    {
        foreach (var type in SsdpFormat.NotificationTypes(identity.Uuid))
            send(SsdpFormat.Alive(identity, type), SsdpFormat.Group);
    }

    private List<string> Matching(string target)
    {
        if (target == SsdpFormat.All)
            return [.. SsdpFormat.NotificationTypes(identity.Uuid)];
        return SsdpFormat.NotificationTypes(identity.Uuid).Where(type => string.Equals(type, target, StringComparison.OrdinalIgnoreCase)).ToList();
    }
}
