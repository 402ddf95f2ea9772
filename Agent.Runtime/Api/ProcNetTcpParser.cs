using System.Buffers.Binary;
using System.Globalization;
using System.Net;

namespace Agent.Runtime.Api;

/// <summary>
/// Reads the tables of <c>/proc/net/tcp</c> and <c>/proc/net/tcp6</c> (<c>sl local_address rem_address st ... uid
/// timeout inode</c>, addresses as hex words in host byte order, ports as big-endian hex) and keeps the sockets in
/// the LISTEN state (<c>0A</c>). The header and malformed lines are skipped.
/// </summary>
public static class ProcNetTcpParser
{
    /// <summary>The <c>st</c> value of a listening socket (TCP_LISTEN).</summary>
    public const string ListenState = "0A";

    private const int LocalAddressField = 1;
    private const int StateField = 3;
    private const int InodeField = 9;

    public static IReadOnlyList<ProcNetListener> Parse(string table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var listeners = new List<ProcNetListener>();
        foreach (var line in table.Split('\n'))
        {
            if (TryParseLine(line, out var listener))
                listeners.Add(listener);
        }

        return listeners;
    }

    /// <summary>One table row; <c>false</c> for the header, a malformed row or a socket that is not listening.</summary>
    public static bool TryParseLine(string line, out ProcNetListener listener)
    {
        ArgumentNullException.ThrowIfNull(line);
        listener = null!;
        var fields = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length <= InodeField || !fields[0].EndsWith(':'))
            return false;
        if (!fields[StateField].Equals(ListenState, StringComparison.OrdinalIgnoreCase))
            return false;
        var local = fields[LocalAddressField];
        var colon = local.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0
            || !ushort.TryParse(local.AsSpan(colon + 1), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var port)
            || !TryParseAddress(local.AsSpan(0, colon), out var address)
            || !ulong.TryParse(fields[InodeField], NumberStyles.None, CultureInfo.InvariantCulture, out var inode))
        {
            return false;
        }

        listener = new ProcNetListener(address, port, inode);
        return true;
    }

    /// <summary>8 hex digits (IPv4) or 32 (IPv6): 32-bit words, each in little-endian (x86, ARM) byte order.</summary>
    private static bool TryParseAddress(ReadOnlySpan<char> hex, out IPAddress address)
    {
        address = IPAddress.None;
        if (hex.Length != 8 && hex.Length != 32)
            return false;
        var bytes = new byte[hex.Length / 2];
        for (var word = 0; word < hex.Length / 8; word++)
        {
            if (!uint.TryParse(hex.Slice(word * 8, 8), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
                return false;
            var host = BitConverter.IsLittleEndian ? BinaryPrimitives.ReverseEndianness(value) : value;
            BinaryPrimitives.WriteUInt32BigEndian(bytes.AsSpan(word * 4), host);
        }

        address = new IPAddress(bytes);
        return true;
    }
}
