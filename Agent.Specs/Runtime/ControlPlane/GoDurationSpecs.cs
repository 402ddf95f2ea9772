using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Runtime.ControlPlane;

public sealed class GoDurationSpecs
{
    [Theory]
    [InlineData("300ms", 300)]
    [InlineData("30s", 30_000)]
    [InlineData("1m30s", 90_000)]
    [InlineData("1.5h", 5_400_000)]
    [InlineData("250us", 0.25)]
    [InlineData("0", 0)]
    public void TryParse_GoDuration_Reads(string text, double milliseconds)
    {
        Assert.True(GoDuration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("30")]
    [InlineData("5x")]
    [InlineData("-1s")]
    [InlineData("s")]
    public void TryParse_NotADuration_Refuses(string text)
        => Assert.False(GoDuration.TryParse(text, out _));
}
