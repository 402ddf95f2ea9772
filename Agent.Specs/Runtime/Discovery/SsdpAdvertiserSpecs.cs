using System.Net;
using System.Text;
using Agent.Runtime.Discovery;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Discovery;

public sealed class SsdpAdvertiserSpecs
{
    private static readonly IPEndPoint Searcher = new(IPAddress.Parse("10.1.2.3"), 40000);
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);

    private readonly TestScheduler _scheduler = new();
    private readonly List<(TimeSpan At, SsdpMessage Message, IPEndPoint To)> _sent = [];
    private readonly RecordingLogger _logger = new();
    private readonly SsdpAdvertiser _advertiser;

    public SsdpAdvertiserSpecs()
    {
        var identity = new SsdpIdentity(Guid.Parse("a4fa5b9c-c732-5fde-9f5f-96328c04d02e"), new Uri("http://10.0.0.1:8080/agent.xml"), TimeSpan.FromMinutes(30), 1700000000, "Linux/6 UPnP/1.1 agent/0.1.0");
        _advertiser = new SsdpAdvertiser(identity, Interval, _scheduler, Record, () => 0.5, new SourceRateLimit(10, TimeSpan.FromSeconds(10), 256), _logger);
    }

    [Fact]
    public void Start_OnVirtualTime_SendsAliveForEachTypeAtOnceAndEveryInterval()
    {
        _advertiser.Start();
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(25).Ticks);

        // TestScheduler runs work due now one tick later: whole seconds are what the schedule says.
        Assert.Equal([TimeSpan.Zero, Interval, Interval * 2], _sent.Select(sent => TimeSpan.FromSeconds(Math.Floor(sent.At.TotalSeconds))).Distinct());
        Assert.All(_sent, sent => Assert.Equal(SsdpFormat.Group, sent.To));
        Assert.All(_sent, sent => Assert.Equal("ssdp:alive", sent.Message["NTS"]));
        Assert.All(_sent, sent => Assert.Equal("max-age=1800", sent.Message["CACHE-CONTROL"]));
        Assert.All(_sent, sent => Assert.Equal("http://10.0.0.1:8080/agent.xml", sent.Message["LOCATION"]));
        Assert.Equal(
            ["upnp:rootdevice", "uuid:a4fa5b9c-c732-5fde-9f5f-96328c04d02e", AgentAnnouncement.DeviceType],
            _sent.Where(sent => sent.At < TimeSpan.FromSeconds(1)).Select(sent => sent.Message["NT"]));
        Assert.Equal("uuid:a4fa5b9c-c732-5fde-9f5f-96328c04d02e::upnp:rootdevice", _sent[0].Message["USN"]);
    }

    [Fact]
    public void Stop_AfterStart_SendsByeByeForEachTypeAndNoMoreAlive()
    {
        _advertiser.Start();
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(1).Ticks);
        _sent.Clear();

        _advertiser.Stop();
        _scheduler.AdvanceBy(TimeSpan.FromHours(1).Ticks);

        Assert.Equal(3, _sent.Count);
        Assert.All(_sent, sent => Assert.Equal("ssdp:byebye", sent.Message["NTS"]));
        Assert.All(_sent, sent => Assert.Equal(SsdpFormat.Group, sent.To));
    }

    [Theory]
    [InlineData("ssdp:all", 3)]
    [InlineData("upnp:rootdevice", 1)]
    [InlineData("uuid:a4fa5b9c-c732-5fde-9f5f-96328c04d02e", 1)]
    [InlineData(AgentAnnouncement.DeviceType, 1)]
    public void Receive_MulticastSearchWithMx_AnswersTheSearcherByUnicastAfterTheRandomDelay(string target, int answers)
    {
        _advertiser.Receive(Search(target, "4"), Searcher, multicast: true);

        // The random draw is 0.5 of MX 4 seconds: nothing before 2 s, every answer at 2 s, to the searcher only.
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(2).Ticks - 1);
        Assert.Empty(_sent);
        _scheduler.AdvanceBy(1);
        Assert.Equal(answers, _sent.Count);
        Assert.All(_sent, sent => Assert.Equal(Searcher, sent.To));
        Assert.All(_sent, sent => Assert.True(sent.Message.IsResponse));
        Assert.All(_sent, sent => Assert.Equal("http://10.0.0.1:8080/agent.xml", sent.Message["LOCATION"]));
        Assert.All(_sent, sent => Assert.Equal(string.Empty, sent.Message["EXT"]));
        if (target != "ssdp:all")
            Assert.Equal(target, _sent[0].Message["ST"]);
    }

    [Fact]
    public void Receive_MxOverFive_DelaysAtMostFiveSeconds()
    {
        _advertiser.Receive(Search("ssdp:all", "120"), Searcher, multicast: true);

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(2.5).Ticks);

        Assert.Equal(3, _sent.Count);
    }

    [Fact]
    public void Receive_UnicastSearchWithoutMx_AnswersAtOnce()
    {
        _advertiser.Receive(Search("upnp:rootdevice", mx: null), Searcher, multicast: false);

        _scheduler.AdvanceBy(1);

        Assert.Single(_sent);
    }

    [Fact]
    public void Receive_SearchForAnotherDeviceType_IsNotAnswered()
    {
        _advertiser.Receive(Search("urn:schemas-upnp-org:device:MediaRenderer:1", "1"), Searcher, multicast: true);

        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);

        Assert.Empty(_sent);
    }

    [Fact]
    public void Receive_ElevenSearchesFromOneSourceInTenSeconds_AnswersTenThenAgainAfterTheWindow()
    {
        for (var i = 0; i < 11; i++)
            _advertiser.Receive(Search("upnp:rootdevice", "1"), Searcher, multicast: true);
        _advertiser.Receive(Search("upnp:rootdevice", "1"), new IPEndPoint(IPAddress.Parse("10.1.2.4"), 1900), multicast: true);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);

        Assert.Equal(10, _sent.Count(sent => sent.To.Equals(Searcher)));
        Assert.Single(_sent, sent => !sent.To.Equals(Searcher));
        Assert.Contains(_logger.Entries, entry => entry.EventId.Id == 6783 && entry.Level == LogLevel.Debug);

        _advertiser.Receive(Search("upnp:rootdevice", "1"), Searcher, multicast: true);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(1).Ticks);
        Assert.Equal(11, _sent.Count(sent => sent.To.Equals(Searcher)));
    }

    [Fact]
    public void Stop_WithAnAnswerPending_NeverSendsIt()
    {
        _advertiser.Receive(Search("upnp:rootdevice", "5"), Searcher, multicast: true);

        _advertiser.Stop();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);

        Assert.DoesNotContain(_sent, sent => sent.To.Equals(Searcher));
    }

    [Theory]
    [InlineData("binary", "not ASCII text")]
    [InlineData("no start line", "no start line")]
    [InlineData("header without a name", "a header line without a name")]
    [InlineData("too big", "over 2048 bytes")]
    [InlineData("too many headers", "more than 32 headers")]
    [InlineData("no MAN", "MAN is not")]
    [InlineData("no ST", "without ST")]
    [InlineData("no MX", "without a valid MX")]
    [InlineData("MX zero", "without a valid MX")]
    public void Receive_MalformedDatagram_IsIgnoredWithADebugLog(string kind, string reason)
    {
        byte[] datagram = kind switch
        {
            "binary" => [0x4d, 0x2d, 0x00, 0xff, 0x13],
            "no start line" => Encoding.ASCII.GetBytes("\r\nST: ssdp:all\r\n\r\n"),
            "header without a name" => Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\n: value\r\n\r\n"),
            "too big" => Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\nX: " + new string('a', 3000) + "\r\n\r\n"),
            "too many headers" => Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\n" + string.Concat(Enumerable.Range(0, 40).Select(i => $"X{i}: y\r\n")) + "\r\n"),
            "no MAN" => Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\nMX: 1\r\nST: ssdp:all\r\n\r\n"),
            "no ST" => Encoding.ASCII.GetBytes("M-SEARCH * HTTP/1.1\r\nMAN: \"ssdp:discover\"\r\nMX: 1\r\n\r\n"),
            "no MX" => Search("ssdp:all", mx: null),
            _ => Search("ssdp:all", "0"),
        };

        _advertiser.Receive(datagram, Searcher, multicast: true);
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(10).Ticks);

        Assert.Empty(_sent);
        var entry = Assert.Single(_logger.Entries, entry => entry.EventId.Id == 6782);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains(reason, entry.Message, StringComparison.Ordinal);
    }

    private static byte[] Search(string target, string? mx)
        => Encoding.ASCII.GetBytes(
            "M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n" + (mx is null ? string.Empty : $"MX: {mx}\r\n") + $"ST: {target}\r\n\r\n");

    private void Record(byte[] datagram, IPEndPoint to)
        => _sent.Add((TimeSpan.FromTicks(_scheduler.Clock), SsdpMessage.TryParse(datagram, out _)!, to));
}
