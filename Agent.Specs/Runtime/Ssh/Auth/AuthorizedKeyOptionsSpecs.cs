using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.Ssh.Auth;

public class AuthorizedKeyOptionsSpecs
{
    [Fact]
    public void TryParse_QuotedValueWithEscapedQuotesAndCommas_KeepsThemAsText()
    {
        var options = Parse("command=\"echo \\\"a,b\\\" c\",no-pty");

        Assert.Equal("echo \"a,b\" c", options.Restrictions.ForcedCommand);
        Assert.False(options.Restrictions.Pty);
        Assert.True(options.Restrictions.PortForwarding);
    }

    [Fact]
    public void TryParse_BackslashNotBeforeAQuote_IsKept()
        => Assert.Equal("a\\b \\n", Parse("command=\"a\\b \\n\"").Restrictions.ForcedCommand);

    [Fact]
    public void TryParse_RestrictThenPty_AllowsOnlyThePty()
    {
        var restrictions = Parse("restrict,pty").Restrictions;

        Assert.Equal(LoginRestrictions.Restricted with { Pty = true }, restrictions);
    }

    [Fact]
    public void TryParse_PtyThenRestrict_AllowsNothing()
        => Assert.Equal(LoginRestrictions.Restricted, Parse("pty,restrict").Restrictions);

    [Fact]
    public void TryParse_EveryReEnabler_UndoesRestrict()
        => Assert.Equal(LoginRestrictions.None, Parse("restrict,pty,port-forwarding,agent-forwarding,X11-forwarding,user-rc").Restrictions);

    [Fact]
    public void TryParse_NamesInAnyCase_AreRead()
    {
        var restrictions = Parse("NO-PTY,No-X11-Forwarding,no-agent-FORWARDING,No-Port-Forwarding,no-user-rc").Restrictions;

        Assert.Equal(LoginRestrictions.Restricted, restrictions);
    }

    [Fact]
    public void TryParse_PermitOpenAndPermitListen_AreListsInOrder()
    {
        var restrictions = Parse("permitopen=\"localhost:8080\",permitopen=\"[::1]:22\",permitopen=\"db:*\",permitlisten=\"9000\",permitlisten=\"127.0.0.1:*\"").Restrictions;

        Assert.Equal([new("localhost", 8080), new("::1", 22), new("db", null)], restrictions.PermitOpen!);
        Assert.Equal([new("*", 9000), new("127.0.0.1", null)], restrictions.PermitListen!);
        Assert.True(restrictions.AllowsOpen("LOCALHOST", 8080));
        Assert.False(restrictions.AllowsOpen("localhost", 8081));
        Assert.False(restrictions.AllowsOpen("127.0.0.1", 8080));
        Assert.True(restrictions.AllowsOpen("db", 5432));
        Assert.True(restrictions.AllowsListen("localhost", 9000));
        Assert.True(restrictions.AllowsListen(string.Empty, 9000));
        Assert.False(restrictions.AllowsListen("localhost", 9001));
        Assert.True(restrictions.AllowsListen("127.0.0.1", 9001));
        Assert.False((restrictions with { PortForwarding = false }).AllowsOpen("localhost", 8080));
    }

    [Fact]
    public void TryParse_NoPermitLists_AllowAnything()
    {
        var restrictions = Parse("no-pty").Restrictions;

        Assert.True(restrictions.AllowsOpen("example", 1));
        Assert.True(restrictions.AllowsListen("0.0.0.0", 0));
    }

    [Theory]
    [InlineData("expiry-time=\"20260102\"", 2026, 1, 2, 0, 0, 0, false)]
    [InlineData("expiry-time=\"202601021030\"", 2026, 1, 2, 10, 30, 0, false)]
    [InlineData("expiry-time=\"20260102103045Z\"", 2026, 1, 2, 10, 30, 45, true)]
    public void TryParse_ExpiryTime_ReadsEachForm(string text, int year, int month, int day, int hour, int minute, int second, bool utc)
    {
        var expected = utc
            ? new DateTimeOffset(year, month, day, hour, minute, second, TimeSpan.Zero)
            : new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Local));

        Assert.Equal(expected, Parse(text).ExpiryTime);
    }

    [Fact]
    public void TryParse_TwoExpiryTimes_KeepsTheEarlier()
        => Assert.Equal(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero), Parse("expiry-time=\"20270101Z\",expiry-time=\"20260101Z\"").ExpiryTime);

    [Fact]
    public void TryParse_CertAuthorityWithPrincipals_KeepsThem()
    {
        var options = Parse("cert-authority,principals=\"deploy, ops\"");

        Assert.True(options.CertAuthority);
        Assert.Equal(["deploy", "ops"], options.Principals!);
    }

    [Fact]
    public void TryParse_Environment_IsCollectedNotARestriction()
    {
        var options = Parse("environment=\"A=1\",environment=\"B=x,y=z\"");

        Assert.Equal([new KeyValuePair<string, string>("A", "1"), new KeyValuePair<string, string>("B", "x,y=z")], options.Environment);
        Assert.Equal(LoginRestrictions.None, options.Restrictions);
    }

    [Theory]
    [InlineData("unknown-option")]
    [InlineData("tunnel=\"1\"")]
    [InlineData("command=unquoted")]
    [InlineData("command=\"no closing quote")]
    [InlineData("command")]
    [InlineData("no-pty=\"yes\"")]
    [InlineData("no-pty,")]
    [InlineData(",no-pty")]
    [InlineData("no-pty,,restrict")]
    [InlineData("command=\"a\",command=\"b\"")]
    [InlineData("from=\"10.0.0.1/8\"")]
    [InlineData("from=\"10.0.0.0/8,,\"")]
    [InlineData("from=\"1\",from=\"2\"")]
    [InlineData("permitopen=\"host\"")]
    [InlineData("permitopen=\"host:0\"")]
    [InlineData("permitopen=\"host:99999\"")]
    [InlineData("permitlisten=\"host:port\"")]
    [InlineData("expiry-time=\"2026\"")]
    [InlineData("expiry-time=\"20261340\"")]
    [InlineData("principals=\"alice\"")]
    [InlineData("environment=\"NOVALUE\"")]
    public void TryParse_UnknownOrMalformed_IsAnError(string text)
    {
        Assert.False(AuthorizedKeyOptions.TryParse(text, out var options, out var error));
        Assert.Null(options);
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Parse_LineWithAnUnknownOption_IsSkippedWithAWarningNamingTheLine()
    {
        var key = Ed25519HostKey.Generate();
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Parse($"{key.ToOpenSshPublicKey()}\nno-pty,frobnicate {key.ToOpenSshPublicKey()}\n", logger, "ak");

        Assert.Single(keys);
        Assert.Contains("ak line 2", logger.Warnings.Single(), StringComparison.Ordinal);
        Assert.Contains("frobnicate", logger.Warnings.Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_Environment_IsLoggedAsAppliedOnlyWhenPermitted()
    {
        var key = Ed25519HostKey.Generate();
        var logger = new RecordingLogger();

        var keys = AuthorizedKeys.Parse($"environment=\"PATH=/evil\" {key.ToOpenSshPublicKey()}\n", logger, "ak");

        Assert.Single(keys);
        Assert.Contains("environment= (PATH) is applied only with --permit-user-environment", logger.At(LogLevel.Information).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void Intersect_TakesTheMostRestrictiveOfEach()
    {
        var line = LoginRestrictions.None with { PortForwarding = false, PermitOpen = [new("a", 1), new("b", 2)] };
        var certificate = LoginRestrictions.Restricted with { Pty = true, PortForwarding = true, ForcedCommand = "x", PermitOpen = [new("b", 2)] };

        var both = line.Intersect(certificate)!;

        Assert.Equal("x", both.ForcedCommand);
        Assert.True(both.Pty);
        Assert.False(both.PortForwarding);
        Assert.False(both.AgentForwarding);
        Assert.Equal([new("b", 2)], both.PermitOpen!);
        Assert.Null((line with { ForcedCommand = "y" }).Intersect(certificate));
        Assert.NotNull((line with { ForcedCommand = "x" }).Intersect(certificate));
    }

    private static AuthorizedKeyOptions Parse(string text)
    {
        Assert.True(AuthorizedKeyOptions.TryParse(text, out var options, out var error), error);
        return options!;
    }
}
