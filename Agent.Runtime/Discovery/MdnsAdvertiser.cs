using System.Net;
using System.Reactive.Concurrency;
using System.Reactive.Disposables;
using Microsoft.Extensions.Logging;

namespace Agent.Runtime.Discovery;

/// <summary>
/// The DNS-SD half of an agent's announcement (RFC 6762/6763), on <see cref="IScheduler"/> time and a send action:
/// the records announced at start and again after one second, questions about them answered (multicast from port
/// 5353; to a one-shot querier's own port, "legacy unicast", by unicast with its id, its questions and TTLs of at most
/// 10 s) within each source's rate limit, and a goodbye (TTL 0) at <see cref="Stop"/>. Malformed packets are ignored
/// with a debug log; responses from other responders are not questions and are ignored quietly.
/// </summary>
public sealed class MdnsAdvertiser(MdnsRecordSet records, IScheduler scheduler, Action<byte[], IPEndPoint> send, SourceRateLimit limit, ILogger logger) : IDisposable
{
    /// <summary>mDNS's group and port.</summary>
    public static readonly IPEndPoint Group = new(IPAddress.Parse("224.0.0.251"), 5353);

    /// <summary>The gap between the two announcements at start (RFC 6762, section 8.3).</summary>
    public static readonly TimeSpan AnnouncementGap = TimeSpan.FromSeconds(1);

    private const uint LegacyTtl = 10;

    private readonly SerialDisposable _announcements = new();
    private bool _stopped;

    public MdnsRecordSet Records => records;

    /// <summary>Announces now and once more after <see cref="AnnouncementGap"/>.</summary>
    public void Start()
    {
        Announce();
        _announcements.Disposable = scheduler.Schedule(AnnouncementGap, Announce);
    }

    /// <summary>One packet from <paramref name="source"/>.</summary>
    public void Receive(ReadOnlySpan<byte> packet, IPEndPoint source)
    {
        ArgumentNullException.ThrowIfNull(source);
        DnsMessage message;
        try
        {
            message = DnsMessage.Parse(packet);
        }
        catch (FormatException e)
        {
            logger.MdnsPacketIgnored(source, e.Message);
            return;
        }

        if (message.IsResponse || message.Opcode != 0 || _stopped)
            return;
        var answers = records.Answer(message.Questions);
        if (answers.Count == 0)
            return;
        if (!limit.TryTake(source.Address, scheduler.Now))
        {
            logger.MdnsQueryRateLimited(source.Address);
            return;
        }

        if (source.Port != Group.Port)
        {
            var legacy = answers.Select(record => record with { Ttl = Math.Min(record.Ttl, LegacyTtl), CacheFlush = false }).ToList();
            logger.MdnsQueryAnswered(source, legacy.Count, "legacy unicast");
            send(DnsMessage.Response(message.Id, message.Questions, legacy).ToBytes(), source);
            return;
        }

        logger.MdnsQueryAnswered(source, answers.Count, "multicast");
        send(DnsMessage.Response(0, [], answers).ToBytes(), Group);
    }

    /// <summary>Stops answering and sends the goodbye: every record with TTL 0.</summary>
    public void Stop()
    {
        if (_stopped)
            return;
        _stopped = true;
        _announcements.Dispose();
        send(DnsMessage.Response(0, [], records.All.Select(record => record with { Ttl = 0 }).ToList()).ToBytes(), Group);
    }

    /// <summary>The same as <see cref="Stop"/>.</summary>
    public void Dispose() => Stop();

    private void Announce()
    {
        if (!_stopped)
            send(DnsMessage.Response(0, [], records.All).ToBytes(), Group);
    }
}
