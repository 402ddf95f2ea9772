using System.Text;
using Agent.Runtime.Os.Processes;

namespace Agent.Specs.Runtime.Os.Processes;

public sealed class LineSplitterSpecs
{
    [Fact]
    public void Write_LineOfExactlyMaximumThenNewline_OneLine()
    {
        var lines = Split(8, "12345678\nx\n");

        Assert.Equal(["12345678", "x"], lines);
    }

    [Fact]
    public void Write_SplitAcrossChunks_JoinedUntilNewline()
    {
        var lines = Split(64, "ab", "c\r", "\nd");

        Assert.Equal(["abc", "d"], lines);
    }

    [Fact]
    public void Write_MultiByteCharacterAtLimit_CutBeforeIt()
    {
        var lines = Split(8, "1234567é89\n");

        Assert.Equal(["1234567", "é89"], lines);
    }

    [Fact]
    public void Write_InvalidBytesAtLimit_CutAtLimit()
    {
        var data = new byte[] { (byte)'a', 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, (byte)'b', (byte)'\n' };
        var lines = new List<string>();
        var splitter = new LineSplitter(lines.Add, 8);

        splitter.Write(data);

        Assert.Equal(2, lines.Count);
        Assert.Equal("b", lines[1]);
    }

    private static List<string> Split(int max, params string[] chunks)
    {
        var lines = new List<string>();
        var splitter = new LineSplitter(lines.Add, max);
        foreach (var chunk in chunks)
            splitter.Write(Encoding.UTF8.GetBytes(chunk));
        splitter.Flush();
        return lines;
    }
}
