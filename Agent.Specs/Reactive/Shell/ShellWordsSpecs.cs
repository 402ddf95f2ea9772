using Agent.Reactive.Shell;
using Agent.Specs.Utilities;

namespace Agent.Specs.Reactive.Shell;

public sealed class ShellWordsSpecs
{
    [Theory]
    [InlineData("/usr/local/bin/agent", "/usr/local/bin/agent")]
    [InlineData("/opt/my tools/agent", "'/opt/my tools/agent'")]
    [InlineData("/tmp/it's", @"'/tmp/it'\''s'")]
    [InlineData("", "''")]
    [InlineData("$HOME", "'$HOME'")]
    public void Quote_AnyPath_OneWordThatNeedsQuotesOnlyWhenSpecial(string value, string quoted)
        => Assert.Equal(quoted, ShellWords.Quote(value));

    [Fact]
    public async Task Quote_PathsWithEverySpecialCharacter_ARealShellReadsThemBackUnchanged()
    {
        string[] values = ["/a b/c", "it's", "\"q\"", "$(id)", "`id`", "a;b|c&d", "*?[x]", "~x", "tab\there", "new\nline", "back\\slash"];

        var result = await ProcessRunner.RunAsync("/bin/sh", ["-c", "printf '%s\\0' " + string.Join(' ', values.Select(ShellWords.Quote))]);

        Assert.Equal(values, result.Text.TrimEnd('\0').Split('\0'));
    }
}
