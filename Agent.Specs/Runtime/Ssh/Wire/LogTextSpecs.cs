using Agent.Runtime.Ssh.Wire;

namespace Agent.Specs.Runtime.Ssh.Wire;

public sealed class LogTextSpecs
{
    [Theory]
    [InlineData("SSH-2.0-OpenSSH_9.2", "SSH-2.0-OpenSSH_9.2")]
    [InlineData("GET / HTTP/1.0\r\n", "GET / HTTP/1.0\\x0d\\x0a")]
    [InlineData("a\u001b]52;c;Zm9v\u0007b", "a\\x1b]52;c;Zm9v\\x07b")]
    public void Printable_ControlCharacters_AreEscaped(string text, string expected)
        => Assert.Equal(expected, LogText.Printable(text));

    [Fact]
    public void Printable_LongText_IsCutToItsFirstCharactersWithAnEllipsis()
    {
        var shown = LogText.Printable(new string('k', 100_000));

        Assert.Equal(new string('k', LogText.MaxLength) + "…", shown);
    }
}
