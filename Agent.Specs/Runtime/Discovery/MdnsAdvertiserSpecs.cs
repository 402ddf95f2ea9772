using System.Net;
using Agent.Runtime.Discovery;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;
using Microsoft.Reactive.Testing;

namespace Agent.Specs.Runtime.Discovery;

public sealed class MdnsAdvertiserSpecs
{
    private static readonly IPEndPoint Responder = new(IPAddress.Parse("10.1.2.3"), 5353);
    private static readonly IPEndPoint OneShot = new(IPAddress.Parse("10.1.2.3"), 41000);

    private readonly TestScheduler _scheduler = new();
    private readonly List<(TimeSpan At, DnsMessage Message, IPEndPoint To)> _sent = [];
    private readonly RecordingLogger _logger = new();
    private readonly MdnsAdvertiser _advertiser;

    public MdnsAdvertiserSpecs()
    {
        var announcement = DiscoverySamples.Announcement("main.dev");
        _advertiser = new MdnsAdvertiser(new MdnsRecordSet(announcement, new Uri("http://10.0.0.1:8080/agent.xml")), _scheduler, Record, new SourceRateLimit(10, TimeSpan.FromSeconds(10), 256), _logger);
    }

    private string Instance => _advertiser.Records.InstanceName;

    [Fact]
    public void Start_OnVirtualTime_AnnouncesEveryRecordTwiceOneSecondApart()
    {
        _advertiser.Start();
        _scheduler.AdvanceBy(TimeSpan.FromMinutes(5).Ticks);

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(1)], _sent.Select(sent => sent.At));
        Assert.All(_sent, sent => Assert.Equal(MdnsAdvertiser.Group, sent.To));
        var records = _sent[0].Message.Records;
        Assert.True(_sent[0].Message.IsResponse);
        Assert.Contains(records, record => record.Type == DnsType.Ptr && record.Name == "_ssh._tcp.local" && record.Target == Instance);
        Assert.Contains(records, record => record.Type == DnsType.Srv && record.Name == Instance && record.Port == 2222 && record.CacheFlush);
        Assert.Contains(records, record => record.Type == DnsType.A && record.AddressValue()!.Equals(IPAddress.Parse("10.0.0.1")));
        var texts = Assert.Single(records, record => record.Type == DnsType.Txt).Texts();
        Assert.Contains("description=http://10.0.0.1:8080/agent.xml", texts);
        Assert.Contains("fp-ssh-ed25519=" + DiscoverySamples.Ed25519.Fingerprint, texts);
    }

    [Fact]
    public void Instance_NameWithADot_IsOneLabel()
    {
        Assert.Equal("main\\.dev._ssh._tcp.local", Instance);
        Assert.Equal(["main.dev", "_ssh", "_tcp", "local"], DnsName.Split(Instance));
    }

    [Fact]
    public void Receive_PtrQueryFromAResponder_AnswersByMulticastWithSrvTxtAndAddress()
    {
        _advertiser.Receive(DnsMessage.Query(0, new DnsQuestion("_ssh._tcp.local", DnsType.Ptr)).ToBytes(), Responder);

        var (_, message, to) = Assert.Single(_sent);
        Assert.Equal(MdnsAdvertiser.Group, to);
        Assert.Equal(0, message.Id);
        Assert.Equal([DnsType.Ptr, DnsType.Srv, DnsType.Txt, DnsType.A], message.Records.Select(record => record.Type));
        Assert.Equal(MdnsRecordSet.OtherTtl, message.Records[0].Ttl);
    }

    [Fact]
    public void Receive_QueryFromAnotherPort_AnswersTheQuerierByUnicastWithItsIdQuestionAndShortTtls()
    {
        _advertiser.Receive(DnsMessage.Query(4242, new DnsQuestion("_SSH._tcp.LOCAL", DnsType.Ptr)).ToBytes(), OneShot);

        var (_, message, to) = Assert.Single(_sent);
        Assert.Equal(OneShot, to);
        Assert.Equal(4242, message.Id);
        Assert.Equal("_SSH._tcp.LOCAL", Assert.Single(message.Questions).Name);
        Assert.All(message.Records, record => Assert.True(record.Ttl <= 10));
        Assert.All(message.Records, record => Assert.False(record.CacheFlush));
    }

    [Theory]
    [InlineData(DnsType.Srv, new[] { DnsType.Srv, DnsType.A })]
    [InlineData(DnsType.Txt, new[] { DnsType.Txt })]
    [InlineData(DnsType.Any, new[] { DnsType.Srv, DnsType.A, DnsType.Txt })]
    public void Receive_QuestionAboutTheInstance_AnswersItsRecords(ushort type, ushort[] expected)
    {
        _advertiser.Receive(DnsMessage.Query(0, new DnsQuestion(Instance, type)).ToBytes(), Responder);

        Assert.Equal(expected, Assert.Single(_sent).Message.Records.Select(record => record.Type));
    }

    [Fact]
    public void Receive_QuestionAboutSomethingElseOrAResponse_IsNotAnswered()
    {
        _advertiser.Receive(DnsMessage.Query(0, new DnsQuestion("_http._tcp.local", DnsType.Ptr)).ToBytes(), Responder);
        _advertiser.Receive(DnsMessage.Response(0, [new DnsQuestion("_ssh._tcp.local", DnsType.Ptr)], []).ToBytes(), Responder);

        Assert.Empty(_sent);
    }

    [Fact]
    public void Receive_ElevenQueriesFromOneSource_AnswersTen()
    {
        for (var i = 0; i < 11; i++)
            _advertiser.Receive(DnsMessage.Query(0, new DnsQuestion("_ssh._tcp.local", DnsType.Ptr)).ToBytes(), Responder);

        Assert.Equal(10, _sent.Count);
        Assert.Contains(_logger.Entries, entry => entry.EventId.Id == 6785);
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0 }, "shorter than a DNS header")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0xC0, 12, 0, 12, 0, 1 }, "loop")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 5, (byte)'a' }, "past the end")]
    [InlineData(new byte[] { 0, 0, 0, 0, 0xFF, 0xFF, 0, 0, 0, 0, 0, 0 }, "more questions")]
    public void Receive_MalformedPacket_IsIgnoredWithADebugLog(byte[] packet, string reason)
    {
        _advertiser.Receive(packet, Responder);

        Assert.Empty(_sent);
        var entry = Assert.Single(_logger.Entries, entry => entry.EventId.Id == 6784);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains(reason, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stop_AfterStart_SendsEveryRecordWithTtlZeroAndNoSecondAnnouncement()
    {
        _advertiser.Start();
        _sent.Clear();

        _advertiser.Stop();
        _scheduler.AdvanceBy(TimeSpan.FromSeconds(5).Ticks);

        var (_, goodbye, to) = Assert.Single(_sent);
        Assert.Equal(MdnsAdvertiser.Group, to);
        Assert.Equal(5, goodbye.Records.Count);
        Assert.All(goodbye.Records, record => Assert.Equal(0u, record.Ttl));
    }

    private void Record(byte[] packet, IPEndPoint to)
        => _sent.Add((TimeSpan.FromTicks(_scheduler.Clock), DnsMessage.Parse(packet), to));
}
