using System.Text;

namespace Agent.Runtime.Discovery;

/// <summary>DNS names on the wire: labels of at most 63 bytes, at most 255 bytes in all, compression pointers when reading.</summary>
public static class DnsName
{
    public const int MaxLength = 255;

    private const int MaxPointers = 16;

    /// <summary>A dotted name from <paramref name="labels"/>, escaping dots and backslashes inside them.</summary>
    public static string Join(params string[] labels)
        => string.Join('.', labels.Select(label => label.Replace("\\", "\\\\", StringComparison.Ordinal).Replace(".", "\\.", StringComparison.Ordinal)));

    /// <summary>The labels of a dotted name (the inverse of <see cref="Join"/>).</summary>
    public static List<string> Split(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var labels = new List<string>();
        var label = new StringBuilder();
        for (var i = 0; i < name.Length; i++)
        {
            if (name[i] == '\\' && i + 1 < name.Length)
            {
                label.Append(name[++i]);
            }
            else if (name[i] == '.')
            {
                labels.Add(label.ToString());
                label.Clear();
            }
            else
            {
                label.Append(name[i]);
            }
        }

        if (label.Length > 0)
            labels.Add(label.ToString());
        return labels;
    }

    /// <summary>The wire form of a dotted name, uncompressed.</summary>
    public static byte[] Encode(string name)
    {
        var bytes = new List<byte>();
        foreach (var label in Split(name))
        {
            var utf8 = Encoding.UTF8.GetBytes(label);
            if (utf8.Length is 0 or > DnsLabel.MaxBytes)
                throw new ArgumentException($"the label \"{label}\" is empty or over {DnsLabel.MaxBytes} bytes", nameof(name));
            bytes.Add((byte)utf8.Length);
            bytes.AddRange(utf8);
        }

        bytes.Add(0);
        return bytes.Count > MaxLength ? throw new ArgumentException("the name is over 255 bytes", nameof(name)) : [.. bytes];
    }

    /// <summary>Reads the name at <paramref name="offset"/> of <paramref name="message"/>, following at most 16 compression pointers; <paramref name="offset"/> moves past it.</summary>
    /// <exception cref="FormatException">The name runs out of the message, loops or is too long.</exception>
    public static string Read(ReadOnlySpan<byte> message, ref int offset)
    {
        var labels = new List<string>();
        var position = offset;
        var jumped = false;
        var pointers = 0;
        var length = 0;
        while (true)
        {
            if (position >= message.Length)
                throw new FormatException("a name runs past the end of the message");
            var size = message[position];
            if ((size & 0xC0) == 0xC0)
            {
                if (position + 1 >= message.Length || ++pointers > MaxPointers)
                    throw new FormatException("a name's compression pointers run out of the message or loop");
                if (!jumped)
                    offset = position + 2;
                jumped = true;
                position = ((size & 0x3F) << 8) | message[position + 1];
                continue;
            }

            if ((size & 0xC0) != 0)
                throw new FormatException("a label of an unknown kind");
            if (size == 0)
            {
                if (!jumped)
                    offset = position + 1;
                return Join([.. labels]);
            }

            length += size + 1;
            if (position + 1 + size > message.Length || length > MaxLength)
                throw new FormatException("a name runs past the end of the message or over 255 bytes");
            labels.Add(Encoding.UTF8.GetString(message.Slice(position + 1, size)));
            position += 1 + size;
        }
    }

    /// <summary>Whether two dotted names are the same (ASCII case-insensitive, as DNS compares).</summary>
    public static bool Same(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);
}
