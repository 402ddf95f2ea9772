using System.Buffers.Binary;

namespace Agent.Runtime.Discovery;

/// <summary>
/// A DNS message as mDNS uses it: header, questions (name, type, class with the unicast-response bit) and records.
/// Reading is bounded: at most <see cref="MaxBytes"/>, 64 questions and 256 records; a malformed message is a
/// <see cref="FormatException"/>. Writing leaves names uncompressed.
/// </summary>
public sealed record DnsMessage(ushort Id, bool IsResponse, int Opcode, IReadOnlyList<DnsQuestion> Questions, IReadOnlyList<DnsRecord> Records)
{
    /// <summary>The largest mDNS message (RFC 6762, section 17).</summary>
    public const int MaxBytes = 9000;

    private const int MaxQuestions = 64;
    private const int MaxRecords = 256;

    /// <summary>A query for <paramref name="questions"/> (id 0 is mDNS's; a one-shot querier may pick another).</summary>
    public static DnsMessage Query(ushort id, params DnsQuestion[] questions) => new(id, false, 0, questions, []);

    /// <summary>An authoritative response carrying <paramref name="records"/> (and echoing <paramref name="questions"/>, for legacy unicast).</summary>
    public static DnsMessage Response(ushort id, IReadOnlyList<DnsQuestion> questions, IReadOnlyList<DnsRecord> records) => new(id, true, 0, questions, records);

    /// <summary>Parses <paramref name="message"/>.</summary>
    /// <exception cref="FormatException">It is not a well-formed DNS message within the bounds.</exception>
    public static DnsMessage Parse(ReadOnlySpan<byte> message)
    {
        if (message.Length > MaxBytes)
            throw new FormatException($"over {MaxBytes} bytes");
        if (message.Length < 12)
            throw new FormatException("shorter than a DNS header");
        var id = BinaryPrimitives.ReadUInt16BigEndian(message);
        var flags = BinaryPrimitives.ReadUInt16BigEndian(message[2..]);
        int questionCount = BinaryPrimitives.ReadUInt16BigEndian(message[4..]);
        var recordCount = BinaryPrimitives.ReadUInt16BigEndian(message[6..]) + BinaryPrimitives.ReadUInt16BigEndian(message[8..]) + BinaryPrimitives.ReadUInt16BigEndian(message[10..]);
        if (questionCount > MaxQuestions || recordCount > MaxRecords)
            throw new FormatException("more questions or records than a responder answers");
        var offset = 12;
        var questions = new List<DnsQuestion>(questionCount);
        for (var i = 0; i < questionCount; i++)
        {
            var name = DnsName.Read(message, ref offset);
            Need(message, offset, 4);
            var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
            var klass = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
            questions.Add(new DnsQuestion(name, type, (klass & 0x8000) != 0, (ushort)(klass & 0x7FFF)));
            offset += 4;
        }

        var records = new List<DnsRecord>(recordCount);
        for (var i = 0; i < recordCount; i++)
            records.Add(ReadRecord(message, ref offset));
        return new DnsMessage(id, (flags & 0x8000) != 0, (flags >> 11) & 0xF, questions, records);
    }

    /// <summary>The wire form: a response has QR and AA set.</summary>
    public byte[] ToBytes()
    {
        var bytes = new List<byte>(512);
        Append16(bytes, Id);
        Append16(bytes, IsResponse ? (ushort)0x8400 : (ushort)0);
        Append16(bytes, (ushort)Questions.Count);
        Append16(bytes, (ushort)Records.Count);
        Append16(bytes, 0);
        Append16(bytes, 0);
        foreach (var question in Questions)
        {
            bytes.AddRange(DnsName.Encode(question.Name));
            Append16(bytes, question.Type);
            Append16(bytes, (ushort)(question.Class | (question.UnicastResponse ? 0x8000 : 0)));
        }

        foreach (var record in Records)
        {
            bytes.AddRange(DnsName.Encode(record.Name));
            Append16(bytes, record.Type);
            Append16(bytes, (ushort)(DnsType.ClassIn | (record.CacheFlush ? 0x8000 : 0)));
            Append16(bytes, (ushort)(record.Ttl >> 16));
            Append16(bytes, (ushort)record.Ttl);
            Append16(bytes, (ushort)record.Data.Length);
            bytes.AddRange(record.Data);
        }

        return [.. bytes];
    }

    private static DnsRecord ReadRecord(ReadOnlySpan<byte> message, ref int offset)
    {
        var name = DnsName.Read(message, ref offset);
        Need(message, offset, 10);
        var type = BinaryPrimitives.ReadUInt16BigEndian(message[offset..]);
        var klass = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 2)..]);
        var ttl = BinaryPrimitives.ReadUInt32BigEndian(message[(offset + 4)..]);
        var length = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 8)..]);
        offset += 10;
        Need(message, offset, length);
        var data = message.Slice(offset, length).ToArray();
        string? target = null;
        ushort port = 0;
        var inner = offset;
        if (type == DnsType.Ptr)
        {
            target = DnsName.Read(message, ref inner);
        }
        else if (type == DnsType.Srv)
        {
            Need(message, offset, 6);
            port = BinaryPrimitives.ReadUInt16BigEndian(message[(offset + 4)..]);
            inner += 6;
            target = DnsName.Read(message, ref inner);
        }

        offset += length;
        return new DnsRecord(name, type, ttl, (klass & 0x8000) != 0, data, target, port);
    }

    private static void Need(ReadOnlySpan<byte> message, int offset, int count)
    {
        if (offset + count > message.Length)
            throw new FormatException("a question or record runs past the end of the message");
    }

    private static void Append16(List<byte> bytes, ushort value)
    {
        bytes.Add((byte)(value >> 8));
        bytes.Add((byte)value);
    }
}
