using System.Text;
using System.Text.Json;
using Agent.Runtime.Terminal;

namespace Agent.Specs.Runtime.Terminal;

public class RequestStreamParserSpecs
{
    private const string Stream = "{\"data\":\"ls\\r\"}{\"height\":40,\"width\":120} {\"data\":\"é\\u0041\",\"width\":0}\n{}";

    public static TheoryData<int> SplitSizes => [1, 2, 3, 7, 16, 1000];

    [Theory]
    [MemberData(nameof(SplitSizes))]
    public void TryRead_ConcatenatedObjectsSplitAnywhere_YieldsEachRequest(int split)
    {
        var parser = new RequestStreamParser(1 << 20);
        var requests = new List<TerminalRequest>();
        var bytes = Encoding.UTF8.GetBytes(Stream);
        for (var offset = 0; offset < bytes.Length; offset += split)
        {
            var part = bytes.AsSpan(offset, Math.Min(split, bytes.Length - offset));
            part.CopyTo(parser.GetMemory(part.Length).Span);
            parser.Advance(part.Length);
            while (parser.TryRead(out var request))
                requests.Add(request);
        }

        Assert.Equal(
            [
                new TerminalRequest { Data = "ls\r" },
                new TerminalRequest { Height = 40, Width = 120 },
                new TerminalRequest { Data = "éA" },
                new TerminalRequest(),
            ],
            requests);
    }

    [Fact]
    public void TryRead_ObjectLargerThanTheBound_Throws()
    {
        var parser = new RequestStreamParser(64);
        var bytes = Encoding.UTF8.GetBytes("{\"data\":\"" + new string('x', 100));
        bytes.CopyTo(parser.GetMemory(bytes.Length).Span);
        parser.Advance(bytes.Length);

        Assert.Throws<InvalidDataException>(() => parser.TryRead(out _));
    }

    [Theory]
    [InlineData("[1,2]")]
    [InlineData("{\"data\":12}")]
    [InlineData("{\"data\" \"x\"}")]
    public void TryRead_NotARequestObject_Throws(string text)
    {
        var parser = new RequestStreamParser(1024);
        var bytes = Encoding.UTF8.GetBytes(text);
        bytes.CopyTo(parser.GetMemory(bytes.Length).Span);
        parser.Advance(bytes.Length);

        Assert.ThrowsAny<JsonException>(() => parser.TryRead(out _));
    }
}
