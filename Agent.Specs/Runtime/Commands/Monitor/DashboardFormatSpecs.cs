using Agent.Runtime.Commands.Monitor;

namespace Agent.Specs.Runtime.Commands.Monitor;

public sealed class DashboardFormatSpecs
{
    [Theory]
    [InlineData(0, "0 ms")]
    [InlineData(850, "850 ms")]
    [InlineData(4_250, "4.2 s")]
    [InlineData(59_999, "59.9 s")]
    [InlineData(187_000, "3 m 07 s")]
    [InlineData(7_500_000, "2 h 05 m")]
    [InlineData(273_600_000, "3 d 04 h")]
    [InlineData(-5, "0 ms")]
    public void Duration_ShortHumanForm(long milliseconds, string expected)
        => Assert.Equal(expected, DashboardFormat.Duration(TimeSpan.FromMilliseconds(milliseconds)));

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(3L * 1024 * 1024, "3.0 MiB")]
    [InlineData(5L * 1024 * 1024 * 1024 * 1024, "5.0 TiB")]
    public void Bytes_BinaryUnits(long bytes, string expected) => Assert.Equal(expected, DashboardFormat.Bytes(bytes));
}
