using System.Text;
using System.Text.Json;
using Agent.Runtime.Speedtest;

namespace Agent.Specs.Runtime.Speedtest;

public sealed class SpeedtestProtocolSpecs
{
    [Fact]
    public void Config_Serialized_IsGoJsonWithNanoseconds()
    {
        var json = JsonSerializer.Serialize(SpeedtestConfig.For(SpeedtestDirection.Upload, TimeSpan.FromSeconds(5)), SpeedtestJsonContext.Default.SpeedtestConfig);

        Assert.Equal("""{"version":2,"time":5000000000,"direction":1}""", json);
    }

    [Fact]
    public void Config_GoJsonWithOtherCaseAndExtraKeys_ReadsBack()
    {
        var config = JsonSerializer.Deserialize("""{"Version":2,"TIME":1500000000,"direction":0,"extra":true}""", SpeedtestJsonContext.Default.SpeedtestConfig);

        Assert.Equal(new SpeedtestConfig(2, 1_500_000_000, SpeedtestDirection.Download), config);
        Assert.Equal(TimeSpan.FromSeconds(1.5), config!.Duration);
    }

    [Fact]
    public void Response_OkAndError_AreGoJsonWithOmitEmpty()
    {
        Assert.Equal("{}", JsonSerializer.Serialize(SpeedtestConfigResponse.Ok, SpeedtestJsonContext.Default.SpeedtestConfigResponse));
        Assert.Equal("""{"error":"nope"}""", JsonSerializer.Serialize(new SpeedtestConfigResponse("nope"), SpeedtestJsonContext.Default.SpeedtestConfigResponse));
    }

    [Fact]
    public async Task Messages_WrittenThenRead_RoundTripAsLinesAndLeaveTheDataAfterThem()
    {
        var stream = new MemoryStream();
        var config = SpeedtestConfig.For(SpeedtestDirection.Download, TimeSpan.FromSeconds(3));
        await SpeedtestProtocol.WriteMessageAsync(stream, config, SpeedtestJsonContext.Default.SpeedtestConfig, CancellationToken.None);
        await SpeedtestProtocol.WriteMessageAsync(stream, new SpeedtestConfigResponse("bad"), SpeedtestJsonContext.Default.SpeedtestConfigResponse, CancellationToken.None);
        stream.Write("DATA"u8);
        stream.Position = 0;

        Assert.Equal(config, await SpeedtestProtocol.ReadMessageAsync(stream, SpeedtestJsonContext.Default.SpeedtestConfig, "config", CancellationToken.None));
        var response = await SpeedtestProtocol.ReadMessageAsync(stream, SpeedtestJsonContext.Default.SpeedtestConfigResponse, "response", CancellationToken.None);
        Assert.Equal("bad", response.Error);
        Assert.Equal("DATA", new StreamReader(stream).ReadToEnd());
    }

    [Theory]
    [InlineData("not json\n", "the config is not valid JSON")]
    [InlineData("null\n", "the config is null")]
    [InlineData("", "the stream ended before the config")]
    public async Task ReadMessage_NotAConfig_ThrowsSpeedtestException(string text, string expected)
    {
        var stream = new MemoryStream(Encoding.UTF8.GetBytes(text));

        var failure = await Assert.ThrowsAsync<SpeedtestException>(
            () => SpeedtestProtocol.ReadMessageAsync(stream, SpeedtestJsonContext.Default.SpeedtestConfig, "config", CancellationToken.None));

        Assert.StartsWith(expected, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadMessage_NoNewlineWithinTheLimit_StopsReadingAtTheLimit()
    {
        var stream = new MemoryStream(new byte[SpeedtestProtocol.MaxMessageBytes * 4]);

        var failure = await Assert.ThrowsAsync<SpeedtestException>(
            () => SpeedtestProtocol.ReadMessageAsync(stream, SpeedtestJsonContext.Default.SpeedtestConfig, "config", CancellationToken.None));

        Assert.Equal($"the config is longer than {SpeedtestProtocol.MaxMessageBytes} bytes", failure.Message);
        Assert.Equal(SpeedtestProtocol.MaxMessageBytes, stream.Position);
    }

    [Fact]
    public void Reverse_SwapsTheDirections()
    {
        Assert.Equal(SpeedtestDirection.Upload, SpeedtestProtocol.Reverse(SpeedtestDirection.Download));
        Assert.Equal(SpeedtestDirection.Download, SpeedtestProtocol.Reverse(SpeedtestDirection.Upload));
    }
}
