using Agent.Reactive.Shell;

namespace Agent.Specs.Reactive.Shell;

public sealed class EnvironmentExpansionSpecs
{
    private static readonly Dictionary<string, string> Variables = new() { ["HOME"] = "/home/coder", ["A_1"] = "x" };

    [Theory]
    [InlineData("$HOME/src", "/home/coder/src")]
    [InlineData("${HOME}/src", "/home/coder/src")]
    [InlineData("$SOMETHINGNOTSET", "")]
    [InlineData("a$A_1-b", "ax-b")]
    [InlineData("cost: 5$", "cost: 5$")]
    [InlineData("$1x", "x")]
    [InlineData("plain", "plain")]
    public void Expand_GoSemantics(string input, string expected)
        => Assert.Equal(expected, EnvironmentExpansion.Expand(input, name => Variables.GetValueOrDefault(name)));
}
