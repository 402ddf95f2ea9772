using Agent.Runtime.Ssh.Transport;

namespace Agent.Specs.Runtime.Ssh.Transport;

public class ReceivedPayloadPoolSpecs
{
    [Theory]
    [InlineData(9 + 32 * 1024, 32 * 1024 + ReceivedPayloadPool.Slack)] // OpenSSH's CHANNEL_DATA
    [InlineData(13 + 32 * 1024, 32 * 1024 + ReceivedPayloadPool.Slack)] // its stderr (CHANNEL_EXTENDED_DATA)
    [InlineData(9 + 16 * 1024, 16 * 1024 + ReceivedPayloadPool.Slack)] // PuTTY's
    [InlineData(20, 1024 + ReceivedPayloadPool.Slack)]
    [InlineData(9 + 256 * 1024, 256 * 1024 + ReceivedPayloadPool.Slack)] // the largest packet
    [InlineData(256 * 1024 + 100, 256 * 1024 + 100)] // beyond the largest size: exactly as long
    public void Rent_ChannelDataPayload_TakesABufferBarelyLargerThanIt(int length, int expected)
        => Assert.Equal(expected, ReceivedPayloadPool.Rent(length).Length);

    [Fact]
    public void Return_AnyBuffer_IsAcceptedAndOnlyPoolSizesComeBack()
    {
        ReceivedPayloadPool.Return(new byte[12345]);
        ReceivedPayloadPool.Return(new byte[64 * 1024]);
        for (var i = 0; i < 100; i++)
            ReceivedPayloadPool.Return(ReceivedPayloadPool.Rent(40_000));

        Assert.Equal(64 * 1024 + ReceivedPayloadPool.Slack, ReceivedPayloadPool.Rent(40_000).Length);
        Assert.Equal(1024 + ReceivedPayloadPool.Slack, ReceivedPayloadPool.Rent(1).Length);
    }
}
