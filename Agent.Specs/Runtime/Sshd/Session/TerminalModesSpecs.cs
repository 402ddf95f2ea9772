using Agent.Reactive.Effects;
using Agent.Runtime.Sshd.Session;

namespace Agent.Specs.Runtime.Sshd.Session;

/// <summary>The encoded terminal modes of <c>pty-req</c> (RFC 4254 section 8) as the SSH session decodes them.</summary>
public class TerminalModesSpecs
{
    [Fact]
    public void Parse_OpcodesWithArguments_ReturnsThemInOrderUntilTtyOpEnd()
    {
        byte[] blob = [3, 0, 0, 0, 8, 53, 0, 0, 0, 0, 128, 0, 0, 0x96, 0, 0, 9, 9, 9, 9];

        var modes = TerminalModes.Parse(blob, out var stoppedAt);

        Assert.Equal([new TerminalMode(3, 8), new TerminalMode(53, 0), new TerminalMode(128, 38400)], modes);
        Assert.Null(stoppedAt);
    }

    [Fact]
    public void Parse_NoTtyOpEnd_ReadsToTheEndOfTheBlob()
    {
        byte[] blob = [1, 0, 0, 0, 2];

        Assert.Equal([new TerminalMode(1, 2)], TerminalModes.Parse(blob, out _));
    }

    [Fact]
    public void Parse_Empty_HasNoModes()
    {
        Assert.Empty(TerminalModes.Parse([], out var stoppedAt));
        Assert.Null(stoppedAt);
    }

    [Fact]
    public void Parse_UnknownOpcodeBelow160_IsKeptWithItsArgument()
    {
        byte[] blob = [100, 0, 0, 0, 1, 1, 0, 0, 0, 3, 0];

        Assert.Equal([new TerminalMode(100, 1), new TerminalMode(1, 3)], TerminalModes.Parse(blob, out _));
    }

    [Theory]
    [InlineData(160)]
    [InlineData(200)]
    [InlineData(255)]
    public void Parse_UndefinedOpcode160To255_StopsParsingAndKeepsTheModesBefore(byte undefined)
    {
        byte[] blob = [2, 0, 0, 0, 28, undefined, 1, 2, 3, 0, 0, 0, 0, 0];

        var modes = TerminalModes.Parse(blob, out var stoppedAt);

        Assert.Equal([new TerminalMode(2, 28)], modes);
        Assert.Equal(undefined, stoppedAt);
    }

    [Fact]
    public void Parse_ArgumentCutShort_IsMalformed()
    {
        byte[] blob = [3, 0, 0, 0, 8, 53, 0, 0];

        var error = Assert.Throws<FormatException>(() => TerminalModes.Parse(blob, out _));
        Assert.Contains("opcode 53", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreThanMaxModes_IsMalformed()
    {
        var blob = new byte[(TerminalModes.MaxModes + 1) * 5];
        for (var i = 0; i < blob.Length; i += 5)
            blob[i] = 53;

        Assert.Throws<FormatException>(() => TerminalModes.Parse(blob, out _));
        Assert.Equal(TerminalModes.MaxModes, TerminalModes.Parse(blob.AsSpan(0, TerminalModes.MaxModes * 5), out _).Count);
    }
}
