using System.Text;
using Agent.Runtime.Commands.ConfigSsh;

namespace Agent.Specs.Runtime.Commands.ConfigSsh;

public sealed class ManagedBlockSpecs
{
    private const string Start = "# start";
    private const string End = "# end";

    [Theory]
    [InlineData("", "# start\nnew\n# end\n")]
    [InlineData("a\n", "a\n# start\nnew\n# end\n")]
    [InlineData("a", "a\n# start\nnew\n# end\n")]
    [InlineData("a\n# start\nold\n# end\nb\n", "a\n# start\nnew\n# end\nb\n")]
    [InlineData("a\r\n# start\r\nold\r\n# end\r\nb\r\n", "a\r\n# start\nnew\n# end\nb\r\n")]
    [InlineData("# start\n# end", "# start\nnew\n# end\n")]
    public void Apply_AppendsOrReplacesInPlace(string existing, string expected)
        => Assert.Equal(expected, Encoding.UTF8.GetString(ManagedBlock.Apply(Encoding.UTF8.GetBytes(existing), Start, End, "new\n")));

    [Theory]
    [InlineData("# start\nx\n")]
    [InlineData("# end\nx\n")]
    [InlineData("# end\n# start\n")]
    [InlineData("# start\n# end\n# start\n# end\n")]
    public void Apply_UnbalancedMarkers_FormatException(string existing)
        => Assert.Throws<FormatException>(() => ManagedBlock.Apply(Encoding.UTF8.GetBytes(existing), Start, End, "new\n"));

    [Fact]
    public void Apply_MarkerTextInsideALine_IsNotAMarker()
        => Assert.Equal(
            "x # start\n# start\nnew\n# end\n",
            Encoding.UTF8.GetString(ManagedBlock.Apply("x # start\n"u8, Start, End, "new\n")));
}
