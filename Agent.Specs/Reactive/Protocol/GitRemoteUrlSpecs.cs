using Agent.Reactive.Protocol;

namespace Agent.Specs.Reactive.Protocol;

public sealed class GitRemoteUrlSpecs
{
    [Theory]
    [InlineData("https://github.com", "https://github.com", "")]
    [InlineData("https://alice@github.com", "https://github.com", "alice")]
    [InlineData("https://alice:pw@github.com:8443/a/b.git?x=1", "https://github.com:8443/a/b.git?x=1", "alice")]
    [InlineData("https://github.com/users/@me", "https://github.com/users/@me", "")]
    [InlineData("https://a%20b@h", "https://h", "a b")]
    [InlineData("not a url", "not a url", "")]
    public void WithoutUser_AnyUrl_DropsOnlyTheAuthoritysUserPart(string url, string expected, string user)
    {
        Assert.Equal(expected, GitRemoteUrl.WithoutUser(url, out var found));
        Assert.Equal(user, found);
    }
}
