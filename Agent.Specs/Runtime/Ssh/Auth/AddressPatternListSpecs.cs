using System.Net;
using Agent.Runtime.Ssh.Auth;

namespace Agent.Specs.Runtime.Ssh.Auth;

public class AddressPatternListSpecs
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.1", true)]
    [InlineData("127.0.0.1", "127.0.0.2", false)]
    [InlineData("127.0.0.0/8", "127.255.1.2", true)]
    [InlineData("10.0.0.0/8", "127.0.0.1", false)]
    [InlineData("10.0.0.0/8,127.0.0.0/8", "127.0.0.1", true)]
    [InlineData("127.0.0.0/8,!127.0.0.2", "127.0.0.2", false)]
    [InlineData("!127.0.0.2,127.0.0.0/8", "127.0.0.2", false)]
    [InlineData("!127.0.0.2", "127.0.0.3", false)]
    [InlineData("127.0.0.*", "127.0.0.9", true)]
    [InlineData("127.0.?.1", "127.0.0.1", true)]
    [InlineData("127.0.?.1", "127.0.10.1", false)]
    [InlineData("*", "192.0.2.1", true)]
    [InlineData("::1", "::1", true)]
    [InlineData("fd00::/8", "fd12::1", true)]
    [InlineData("fd00::/8", "127.0.0.1", false)]
    [InlineData("127.0.0.0/8", "::ffff:127.0.0.1", true)]
    [InlineData("workstation.example.com", "127.0.0.1", false)]
    [InlineData("*.example.com", "127.0.0.1", false)]
    public void Matches_Address_AsSshdFromDoes(string list, string address, bool expected)
    {
        Assert.True(AddressPatternList.TryParse(list, networksOnly: false, out var patterns, out var error), error);

        Assert.Equal(expected, patterns!.Matches(IPAddress.Parse(address)));
    }

    [Fact]
    public void Matches_UnknownAddress_NeverMatches()
    {
        Assert.True(AddressPatternList.TryParse("*", networksOnly: false, out var patterns, out _));

        Assert.False(patterns!.Matches(null));
    }

    [Theory]
    [InlineData("10.0.0.1/8", false)]
    [InlineData("10.0.0.0/33", false)]
    [InlineData("", false)]
    [InlineData("!", false)]
    [InlineData("127.0.0.*", true)]
    [InlineData("host.example.com", true)]
    public void TryParse_Malformed_IsAnError(string list, bool networksOnly)
        => Assert.False(AddressPatternList.TryParse(list, networksOnly, out _, out _));

    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("ABC", "abc", true)]
    [InlineData("abc", "a*", true)]
    [InlineData("abc", "*c", true)]
    [InlineData("abc", "a?c", true)]
    [InlineData("abc", "a?", false)]
    [InlineData("", "*", true)]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "*a*a*a*a*a*a*a*a*c", false)]
    public void WildcardPattern_Matches_AsSshPatterns(string text, string pattern, bool expected)
        => Assert.Equal(expected, WildcardPattern.Matches(text, pattern));
}
