using System.Text;
using System.Text.Json.Nodes;
using Agent.Reactive.Recording;

namespace Agent.Specs.Reactive.Recording;

public sealed class AsciicastWriterSpecs
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Header_SaysVersion2_TheSize_TheStartAsUnixTime_ShellTermAndTitle()
    {
        var line = AsciicastWriter.Header(new AsciicastHeader(120, 40, Start, "/bin/bash", "xterm-256color", "ssh: coder from 127.0.0.1:5000"));

        Assert.Equal((byte)'\n', line[^1]);
        var header = JsonNode.Parse(line)!.AsObject();
        Assert.Equal(2, header["version"]!.GetValue<int>());
        Assert.Equal(120, header["width"]!.GetValue<int>());
        Assert.Equal(40, header["height"]!.GetValue<int>());
        Assert.Equal(Start.ToUnixTimeSeconds(), header["timestamp"]!.GetValue<long>());
        Assert.Equal("/bin/bash", header["env"]!["SHELL"]!.GetValue<string>());
        Assert.Equal("xterm-256color", header["env"]!["TERM"]!.GetValue<string>());
        Assert.Equal("ssh: coder from 127.0.0.1:5000", header["title"]!.GetValue<string>());
    }

    [Fact]
    public void Output_ACharacterSplitAcrossReads_IsWrittenWholeWithTheRead_ThatCompletesIt()
    {
        var writer = new AsciicastWriter(Start);
        var text = Encoding.UTF8.GetBytes("é🙂");

        var first = writer.Output(Start.AddSeconds(1), text.AsSpan(0, 1));
        var second = writer.Output(Start.AddSeconds(2), text.AsSpan(1, 2));
        var third = writer.Output(Start.AddSeconds(3), text.AsSpan(3, 2));
        var fourth = writer.Output(Start.AddSeconds(4), text.AsSpan(5));

        Assert.Null(first);
        Assert.Equal("é", Event(second!)[2]!.GetValue<string>());
        Assert.Null(third);
        Assert.Equal("🙂", Event(fourth!)[2]!.GetValue<string>());
    }

    [Fact]
    public void Output_BytesThatAreNotUtf8_BecomeReplacementCharacters_InValidJson()
    {
        var writer = new AsciicastWriter(Start);

        var line = writer.Output(Start, [0x61, 0xFF, 0x62, 0x1B, 0x22]);
        var cut = writer.Output(Start, [0xE2, 0x82]);
        var flushed = writer.Flush(Start);

        Assert.Equal("a\uFFFDb\u001B\"", Event(line!)[2]!.GetValue<string>());
        Assert.Null(cut);
        Assert.Equal("\uFFFD", Event(flushed!)[2]!.GetValue<string>());
    }

    [Fact]
    public void InputResizeAndMarker_AreTimedEvents_AndInputCarriesNoText()
    {
        var writer = new AsciicastWriter(Start);

        var output = Event(writer.Output(Start.AddTicks(15_000_000), "ok"u8)!);
        var input = Event(writer.Input(Start.AddSeconds(2)));
        var resize = Event(writer.Resize(Start.AddSeconds(3), 100, 30));
        var marker = Event(writer.Marker(Start.AddSeconds(4), "dropped"));

        Assert.Equal((1.5m, "o", "ok"), (output[0]!.GetValue<decimal>(), output[1]!.GetValue<string>(), output[2]!.GetValue<string>()));
        Assert.Equal((2m, "i", string.Empty), (input[0]!.GetValue<decimal>(), input[1]!.GetValue<string>(), input[2]!.GetValue<string>()));
        Assert.Equal((3m, "r", "100x30"), (resize[0]!.GetValue<decimal>(), resize[1]!.GetValue<string>(), resize[2]!.GetValue<string>()));
        Assert.Equal((4m, "m", "dropped"), (marker[0]!.GetValue<decimal>(), marker[1]!.GetValue<string>(), marker[2]!.GetValue<string>()));
    }

    private static JsonArray Event(byte[] line)
    {
        Assert.Equal((byte)'\n', line[^1]);
        Assert.Equal(1, line.Count(b => b == (byte)'\n'));
        return JsonNode.Parse(line)!.AsArray();
    }
}
