using System.Net;
using Agent.Runtime.Api;

namespace Agent.Specs.Runtime.Api;

public sealed class ProcNetTcpParserSpecs
{
    internal const string Tcp =
        "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode                                                     \n"
        + "   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41822 1 0000000000000000 100 0 0 10 0                     \n"
        + "   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 52001 1 0000000000000000 100 0 0 10 0                     \n"
        + "   2: 0100007F:0CEA 0100007F:B3A4 01 00000000:00000000 00:00000000 00000000  1000        0 52977 1 0000000000000000 20 4 30 10 -1                    \n"
        + "   3: 0100007F:0007 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 17001 1 0000000000000000 100 0 0 10 0                     \n"
        + "   4: 0100007F:ZZZZ 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 17002 1 0000000000000000 100 0 0 10 0\n"
        + "   5: 0100007F:1F91 00000000:0000 0A 00000000:00000000\n"
        + "garbage\n";

    internal const string Tcp6 =
        "  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
        + "   0: 00000000000000000000000000000000:1F40 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61234 1 0000000000000000 100 0 0 10 0\n"
        + "   1: 00000000000000000000000001000000:2329 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61235 1 0000000000000000 100 0 0 10 0\n"
        + "   2: 00000000000000000000000001000000:2329 00000000000000000000000001000000:C350 06 00000000:00000000 03:00000DAC 00000000     0        0 0 3 0000000000000000\n"
        + "   3: 0000000000000000FFFF00000100007F:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 61236 1 0000000000000000 100 0 0 10 0\n";

    [Fact]
    public void Parse_Ipv4Table_KeepsListenRowsWithAddressPortAndInode()
    {
        var listeners = ProcNetTcpParser.Parse(Tcp);

        Assert.Equal(
            [
                new ProcNetListener(IPAddress.Loopback, 3306, 41822),
                new ProcNetListener(IPAddress.Any, 8080, 52001),
                new ProcNetListener(IPAddress.Loopback, 7, 17001),
            ],
            listeners);
    }

    [Fact]
    public void Parse_Ipv6Table_ReadsAnyLoopbackAndMappedAddresses()
    {
        var listeners = ProcNetTcpParser.Parse(Tcp6);

        Assert.Equal(
            [
                new ProcNetListener(IPAddress.IPv6Any, 8000, 61234),
                new ProcNetListener(IPAddress.IPv6Loopback, 9001, 61235),
                new ProcNetListener(IPAddress.Parse("::ffff:127.0.0.1"), 8082, 61236),
            ],
            listeners);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode")]
    [InlineData("   0: 0100007F:0CEA 00000000:0000 01 00000000:00000000 00:00000000 00000000  1000        0 41822 1")]
    [InlineData("   0: 0100007:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41822 1")]
    [InlineData("   0: 0100007F0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41822 1")]
    [InlineData("   0: 0100007F:10000 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 41822 1")]
    [InlineData("   0: 0100007F:0CEA 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 -5 1")]
    [InlineData("   0: 0100007F:0CEA 00000000:0000 0A")]
    public void TryParseLine_HeaderOtherStatesOrMalformed_IsFalse(string line)
    {
        Assert.False(ProcNetTcpParser.TryParseLine(line, out _));
    }
}
