using Agent.Reactive.Protocol;
using Agent.Runtime.Commands.Git;

namespace Agent.Specs.Runtime.Commands.Git;

public sealed class AskPassPromptSpecs
{
    [Theory]
    [InlineData("Username for 'https://github.com': ")]
    [InlineData("Password for 'https://octocat@github.com': ")]
    public void IsPrompt_GitsOwnPromptAsTheOnlyArgument_True(string prompt)
        => Assert.True(AskPassPrompt.IsPrompt([prompt]));

    [Theory]
    [InlineData("run")]
    [InlineData("--help")]
    [InlineData("Username")]
    [InlineData("username for 'https://github.com': ")]
    public void IsPrompt_AnyOtherSingleArgument_False(string argument)
        => Assert.False(AskPassPrompt.IsPrompt([argument]));

    [Fact]
    public void IsPrompt_PromptWithAnotherArgument_False()
        => Assert.False(AskPassPrompt.IsPrompt(["Username for 'https://github.com': ", "x"]));

    [Fact]
    public void TryParse_UsernamePrompt_UrlAsGitWroteIt()
    {
        Assert.True(AskPassPrompt.TryParse("Username for 'https://github.com': ", out var prompt, out _));

        Assert.Equal(new AskPassPrompt(false, "https://github.com", string.Empty), prompt);
    }

    [Fact]
    public void TryParse_PasswordPromptWithUserAndPort_UserRemovedFromTheUrlPortKept()
    {
        Assert.True(AskPassPrompt.TryParse("Password for 'http://octo%40cat@127.0.0.1:8080': ", out var prompt, out _));

        Assert.Equal(new AskPassPrompt(true, "http://127.0.0.1:8080", "octo@cat"), prompt);
    }

    [Fact]
    public void TryParse_UserWithPasswordInTheUrl_BothRemoved()
    {
        Assert.True(AskPassPrompt.TryParse("Password for 'https://user:secret@git.example.com/team/repo.git': ", out var prompt, out _));

        Assert.Equal("https://git.example.com/team/repo.git", prompt.Url);
        Assert.Equal("user", prompt.User);
        Assert.DoesNotContain("secret", prompt.Url, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Username for 'ssh://github.com': ")]
    [InlineData("Username for 'github.com': ")]
    [InlineData("Username for '': ")]
    public void TryParse_NoHttpUrl_RefusedWithAReason(string text)
    {
        Assert.False(AskPassPrompt.TryParse(text, out _, out var error));

        Assert.NotEmpty(error);
    }

    [Fact]
    public void TryParse_UrlBeyondTheLimit_Refused()
    {
        var text = $"Username for 'https://example.com/{new string('a', GitRemoteUrl.MaxLength)}': ";

        Assert.False(AskPassPrompt.TryParse(text, out _, out var error));
        Assert.Contains(GitRemoteUrl.MaxLength.ToString(System.Globalization.CultureInfo.InvariantCulture), error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false, "user", "pass", "user")]
    [InlineData(true, "user", "pass", "pass")]
    [InlineData(true, "ghp_token", "", "ghp_token")]
    [InlineData(false, "ghp_token", "", "ghp_token")]
    public void Choose_AsCodersHelper_UserNameOrPasswordOrTheTokenAsUserName(bool forPassword, string username, string password, string printed)
        => Assert.Equal(printed, new AskPassPrompt(forPassword, "https://github.com", string.Empty).Choose(username, password));
}
