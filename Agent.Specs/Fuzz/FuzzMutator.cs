namespace Agent.Specs.Fuzz;

/// <summary>
/// Structured mutations of valid inputs: bit flips, interesting bytes, inserted and deleted ranges, repeated ranges,
/// boundary integers (8 to 64 bits, either byte order), edits of what looks like a 32-bit length field, dictionary
/// tokens, splices of two corpus entries, truncation; one input in sixteen is plain random bytes. Everything comes
/// from the <see cref="Random"/> given, so an input is made again from the same seed.
/// </summary>
internal sealed class FuzzMutator
{
    private static readonly byte[] InterestingBytes = [0x00, 0x01, 0x02, 0x7F, 0x80, 0xFE, 0xFF, (byte)'"', (byte)'{', (byte)'}', (byte)'[', (byte)']', (byte)',', (byte)':', (byte)'\\', (byte)'\n', (byte)'\r', (byte)'/', (byte)'.', (byte)'-', (byte)'0', (byte)'9'];

    private static readonly ulong[] BoundaryValues =
    [
        0, 1, 2, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF, 0x100000000,
        0x7FFFFFFFFFFFFFFF, 0x8000000000000000, 0xFFFFFFFFFFFFFFFF,
    ];

    private readonly IReadOnlyList<byte[]> _corpus;
    private readonly IReadOnlyList<byte[]> _dictionary;
    private readonly int _maxLength;

    public FuzzMutator(IReadOnlyList<byte[]> corpus, IReadOnlyList<byte[]> dictionary, int maxLength)
    {
        if (corpus.Count == 0)
            throw new ArgumentException("a fuzz target needs at least one valid input", nameof(corpus));
        _corpus = corpus;
        _dictionary = dictionary;
        _maxLength = maxLength;
    }

    /// <summary>The random source of input <paramref name="iteration"/> of the run with <paramref name="seed"/> on <paramref name="target"/>.</summary>
    public static Random RandomFor(ulong seed, string target, long iteration)
    {
        var mixed = SplitMix(seed ^ SplitMix(Fnv1a(target)) ^ SplitMix((ulong)iteration * 0x9E3779B97F4A7C15));
        return new Random((int)(mixed & 0x7FFFFFFF));
    }

    public byte[] Next(Random random)
    {
        if (random.Next(16) == 0)
        {
            var noise = new byte[random.Next(1, Math.Min(_maxLength, 4096))];
            random.NextBytes(noise);
            return noise;
        }

        var bytes = new List<byte>(_corpus[random.Next(_corpus.Count)]);
        var mutations = 1 << random.Next(4);
        for (var m = 0; m < mutations; m++)
            Mutate(random, bytes);
        if (bytes.Count > _maxLength)
            bytes.RemoveRange(_maxLength, bytes.Count - _maxLength);
        return [.. bytes];
    }

    private static ulong SplitMix(ulong x)
    {
        x += 0x9E3779B97F4A7C15;
        x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9;
        x = (x ^ (x >> 27)) * 0x94D049BB133111EB;
        return x ^ (x >> 31);
    }

    private static ulong Fnv1a(string text)
    {
        var hash = 0xCBF29CE484222325;
        foreach (var c in text)
            hash = (hash ^ c) * 0x100000001B3;
        return hash;
    }

    private static void WriteInteger(Random random, List<byte> bytes, int at, ulong value)
    {
        var width = 1 << random.Next(4);
        var bigEndian = random.Next(2) == 0;
        for (var k = 0; k < width && at + k < bytes.Count; k++)
        {
            var shift = 8 * (bigEndian ? width - 1 - k : k);
            bytes[at + k] = (byte)(value >> shift);
        }
    }

    private void Mutate(Random random, List<byte> bytes)
    {
        if (bytes.Count == 0)
        {
            bytes.Add((byte)random.Next(256));
            return;
        }

        var at = random.Next(bytes.Count);
        switch (random.Next(13))
        {
            case 0:
                bytes[at] ^= (byte)(1 << random.Next(8));
                break;
            case 1:
                bytes[at] = (byte)random.Next(256);
                break;
            case 2:
                bytes[at] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 3:
                bytes.InsertRange(at, Enumerable.Range(0, random.Next(1, 17)).Select(_ => (byte)random.Next(256)));
                break;
            case 4:
                bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 1 + (1 << random.Next(9)))));
                break;
            case 5:
                {
                    // Repeat a range (deep nesting, long strings, many frames).
                    var length = Math.Min(bytes.Count - at, random.Next(1, 65));
                    var range = bytes.GetRange(at, length);
                    var times = 1 << random.Next(8);
                    for (var t = 0; t < times && bytes.Count + length <= _maxLength; t++)
                        bytes.InsertRange(at, range);
                    break;
                }

            case 6:
                WriteInteger(random, bytes, at, BoundaryValues[random.Next(BoundaryValues.Length)]);
                break;
            case 7:
                WriteInteger(random, bytes, at, (ulong)(bytes.Count - at + random.Next(-4, 5)));
                break;
            case 8:
                EditLengthField(random, bytes);
                break;
            case 9:
            case 10:
                if (_dictionary.Count > 0)
                {
                    var token = _dictionary[random.Next(_dictionary.Count)];
                    if (random.Next(2) == 0)
                    {
                        bytes.InsertRange(at, token);
                    }
                    else
                    {
                        for (var k = 0; k < token.Length && at + k < bytes.Count; k++)
                            bytes[at + k] = token[k];
                    }
                }

                break;
            case 11:
                {
                    var other = _corpus[random.Next(_corpus.Count)];
                    var cut = random.Next(other.Length + 1);
                    bytes.RemoveRange(at, bytes.Count - at);
                    bytes.AddRange(other.AsSpan(cut).ToArray());
                    break;
                }

            default:
                bytes.RemoveRange(at, bytes.Count - at);
                break;
        }
    }

    /// <summary>Finds a big-endian 32-bit value that could be a length (it fits in what follows) and moves it off by a little or a lot.</summary>
    private static void EditLengthField(Random random, List<byte> bytes)
    {
        for (var attempt = 0; attempt < 32 && bytes.Count >= 4; attempt++)
        {
            var at = random.Next(bytes.Count - 3);
            var value = (uint)((bytes[at] << 24) | (bytes[at + 1] << 16) | (bytes[at + 2] << 8) | bytes[at + 3]);
            if (value > (uint)(bytes.Count - at - 4))
                continue;
            uint edited = random.Next(6) switch
            {
                0 => value + 1,
                1 => value - 1,
                2 => value + (uint)random.Next(2, 64),
                3 => 0,
                4 => uint.MaxValue - (uint)random.Next(8),
                _ => value * 2,
            };
            bytes[at] = (byte)(edited >> 24);
            bytes[at + 1] = (byte)(edited >> 16);
            bytes[at + 2] = (byte)(edited >> 8);
            bytes[at + 3] = (byte)edited;
            return;
        }
    }
}
