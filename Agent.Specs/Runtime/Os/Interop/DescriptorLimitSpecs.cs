using Agent.Runtime.Os.Interop;

namespace Agent.Specs.Runtime.Os.Interop;

/// <summary>
/// <c>agent server</c> raises its soft descriptor limit to the hard limit as it starts (NativeAOT does not, unlike the
/// JIT runtime). Specified in this process: the soft limit is lowered by one, then raised back.
/// </summary>
public sealed class DescriptorLimitSpecs
{
    [Fact]
    public void RaiseSoftToHard_SoftBelowHard_RaisesItToTheHardLimit()
    {
        var (_, hard) = DescriptorLimit.Read();
        Assert.Null(DescriptorLimit.TrySetSoft(hard - 1));

        var outcome = DescriptorLimit.RaiseSoftToHard();

        Assert.Null(outcome.Error);
        Assert.True(outcome.Raised);
        Assert.Equal(hard - 1, outcome.Before);
        Assert.Equal(hard, outcome.After);
        Assert.Equal((hard, hard), DescriptorLimit.Read());
    }

    [Fact]
    public void RaiseSoftToHard_AlreadyAtTheHardLimit_ChangesNothing()
    {
        DescriptorLimit.RaiseSoftToHard();

        var outcome = DescriptorLimit.RaiseSoftToHard();

        Assert.Null(outcome.Error);
        Assert.False(outcome.Raised);
        Assert.Equal(outcome.Before, outcome.After);
    }
}
