using System.Text;
using Agent.Reactive.Terminal;

namespace Agent.Specs.Reactive.Terminal;

public class ReplayRingSpecs
{
    [Fact]
    public void Append_WithinTheCapacity_KeepsEverything()
    {
        var ring = new ReplayRing(8);
        ring.Append("abc"u8);
        ring.Append("de"u8);

        Assert.Equal("abcde", Encoding.ASCII.GetString(ring.ToArray()));
    }

    [Fact]
    public void Append_AcrossTheEnd_KeepsTheLastBytesInOrder()
    {
        var ring = new ReplayRing(8);
        ring.Append("abcdef"u8);
        ring.Append("ghij"u8);
        ring.Append("k"u8);

        Assert.Equal("defghijk", Encoding.ASCII.GetString(ring.ToArray()));
        Assert.Equal(8, ring.Length);
    }

    [Fact]
    public void Append_LargerThanTheCapacity_KeepsItsTail()
    {
        var ring = new ReplayRing(4);
        ring.Append("ab"u8);
        ring.Append("0123456789"u8);

        Assert.Equal("6789", Encoding.ASCII.GetString(ring.ToArray()));
    }

    [Fact]
    public void Clear_ForgetsEverything()
    {
        var ring = new ReplayRing(4);
        ring.Append("abc"u8);
        ring.Clear();
        ring.Append("z"u8);

        Assert.Equal("z", Encoding.ASCII.GetString(ring.ToArray()));
    }
}
