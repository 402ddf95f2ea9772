using Agent.Runtime.Commands.Monitor;

namespace Agent.Specs.Runtime.Commands.Monitor;

public sealed class TerminalTextSpecs
{
    [Fact]
    public void Clean_OscClipboardWrite_ShowsTheEscapeAndBellAsPictures()
        => Assert.Equal("␛]52;c;aGVsbG8=␇done", TerminalText.Clean("\u001b]52;c;aGVsbG8=\u0007done"));

    [Fact]
    public void Clean_ClearScreenAndCarriageReturn_AreVisible()
        => Assert.Equal("␛[2J␛[H$ ␍fake", TerminalText.Clean("\u001b[2J\u001b[H$ \rfake"));

    [Fact]
    public void Clean_C1ControlsAndDelete_AreReplaced()
        => Assert.Equal("�31mred� ␡", TerminalText.Clean("\u009b31mred\u0085 \u007f"));

    [Fact]
    public void Clean_TabAndLineFeed_TabBecomesASpaceLineFeedStays()
        => Assert.Equal("a b\nc", TerminalText.Clean("a\tb\nc"));

    [Fact]
    public void Clean_PlainText_IsTheSameInstance()
    {
        const string text = "ready in 12 s — ünïcode [red]not markup[/]";
        Assert.Same(text, TerminalText.Clean(text));
    }

    [Fact]
    public void Clean_Null_IsEmpty() => Assert.Equal(string.Empty, TerminalText.Clean(null));
}
