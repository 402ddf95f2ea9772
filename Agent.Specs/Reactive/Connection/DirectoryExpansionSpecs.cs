using Agent.Reactive.Connection;

namespace Agent.Specs.Reactive.Connection;

// The first four are the subtests of Coder's TestAgent_Startup (agent/agent_test.go, 2023-06-06).
public sealed class DirectoryExpansionSpecs
{
    private const string Home = "/home/coder";

    private static readonly Dictionary<string, string> Variables = new() { ["HOME"] = Home, ["PROJECT"] = "work" };

    [Fact]
    public void Expand_EmptyDirectory_StaysEmpty()
        => Assert.Equal(string.Empty, Expand(string.Empty));

    [Fact]
    public void Expand_HomeDirectory_IsHome()
        => Assert.Equal(Home, Expand("~"));

    [Fact]
    public void Expand_NotAbsoluteDirectory_IsUnderHome()
        => Assert.Equal("/home/coder/coder/coder", Expand("coder/coder"));

    [Fact]
    public void Expand_HomeEnvironmentVariable_IsHome()
        => Assert.Equal(Home, Expand("$HOME"));

    [Theory]
    [InlineData("~/src", "/home/coder/src")]
    [InlineData("/srv/$PROJECT", "/srv/work")]
    [InlineData("${PROJECT}/a", "/home/coder/work/a")]
    [InlineData("/already/absolute", "/already/absolute")]
    [InlineData("$UNSET", Home)]
    public void Expand_OtherShapes_FollowTheSameRules(string directory, string expected)
        => Assert.Equal(expected, Expand(directory));

    private static string Expand(string directory) => DirectoryExpansion.Expand(directory, Home, name => Variables.GetValueOrDefault(name));
}
