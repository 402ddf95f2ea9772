using System.Buffers.Binary;
using System.Text;

namespace Agent.Runtime.Sshd.Forwarding;

/// <summary>
/// One record of an Xauthority file (libXau format: a big-endian uint16 family, then address, display number,
/// authorization name and data, each as a big-endian uint16 length and bytes).
/// </summary>
/// <param name="Family">256 (FamilyLocal) for displays reached through a Unix socket.</param>
/// <param name="Address">The host name for FamilyLocal.</param>
/// <param name="Number">The display number, in decimal.</param>
/// <param name="Name">The authorization protocol, e.g. <c>MIT-MAGIC-COOKIE-1</c>.</param>
/// <param name="Data">The cookie.</param>
internal sealed record XauthorityEntry(ushort Family, byte[] Address, string Number, string Name, byte[] Data)
{
    public const ushort FamilyLocal = 256;

    /// <summary>The largest Xauthority file read (anything bigger is not a real one).</summary>
    public const int MaxFileLength = 1024 * 1024;

    /// <summary>Whether both entries are for the same display of the same host (the later one would never be used).</summary>
    public bool SameDisplay(XauthorityEntry other)
        => Family == other.Family && Address.AsSpan().SequenceEqual(other.Address) && Number == other.Number;

    /// <summary>Reads every entry; a truncated tail is dropped.</summary>
    public static List<XauthorityEntry> ParseAll(ReadOnlySpan<byte> data)
    {
        var entries = new List<XauthorityEntry>();
        while (data.Length >= 2)
        {
            var family = BinaryPrimitives.ReadUInt16BigEndian(data);
            var rest = data[2..];
            if (!TryField(ref rest, out var address) || !TryField(ref rest, out var number)
                || !TryField(ref rest, out var name) || !TryField(ref rest, out var cookie))
                break;
            entries.Add(new XauthorityEntry(family, address, Encoding.ASCII.GetString(number), Encoding.ASCII.GetString(name), cookie));
            data = rest;
        }

        return entries;
    }

    /// <summary>Writes the entry in the file format.</summary>
    public void WriteTo(Stream stream)
    {
        Span<byte> family = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(family, Family);
        stream.Write(family);
        WriteField(stream, Address);
        WriteField(stream, Encoding.ASCII.GetBytes(Number));
        WriteField(stream, Encoding.ASCII.GetBytes(Name));
        WriteField(stream, Data);
    }

    private static bool TryField(ref ReadOnlySpan<byte> data, out byte[] field)
    {
        field = [];
        if (data.Length < 2)
            return false;
        var length = BinaryPrimitives.ReadUInt16BigEndian(data);
        if (data.Length < 2 + length)
            return false;
        field = data.Slice(2, length).ToArray();
        data = data[(2 + length)..];
        return true;
    }

    private static void WriteField(Stream stream, ReadOnlySpan<byte> field)
    {
        Span<byte> length = stackalloc byte[2];
        BinaryPrimitives.WriteUInt16BigEndian(length, checked((ushort)field.Length));
        stream.Write(length);
        stream.Write(field);
    }
}
