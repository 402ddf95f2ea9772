using System.Buffers.Binary;
using System.Numerics;
using System.Security.Cryptography;

namespace Agent.Runtime.Ssh.Algorithms.Ciphers;

/// <summary>
/// AES in counter mode (RFC 4344: <c>aes128-ctr</c>, <c>aes256-ctr</c>): AES-ECB over successive 128-bit big-endian
/// counter blocks, XORed into the data. The counter carries on across packets.
/// </summary>
internal sealed class AesCtrCipher : IDisposable
{
    public const string Aes128Name = "aes128-ctr";
    public const string Aes256Name = "aes256-ctr";
    public const int BlockLength = 16;

    private const int ChunkBlocks = 2048;

    private readonly Aes _aes;
    private readonly ICryptoTransform _ecb;
    private readonly byte[] _counters = new byte[ChunkBlocks * BlockLength];
    private readonly byte[] _keystream = new byte[ChunkBlocks * BlockLength];
    private ulong _high;
    private ulong _low;

    public AesCtrCipher(ReadOnlySpan<byte> key, ReadOnlySpan<byte> iv)
    {
        if (key.Length is not (16 or 32))
            throw new ArgumentException("AES-CTR needs a 16 or 32 byte key", nameof(key));
        if (iv.Length != BlockLength)
            throw new ArgumentException("AES-CTR needs a 16 byte IV", nameof(iv));
        _aes = Aes.Create();
        _aes.Key = key.ToArray();
        _aes.Mode = CipherMode.ECB;
        _aes.Padding = PaddingMode.None;
        _ecb = _aes.CreateEncryptor();
        _high = BinaryPrimitives.ReadUInt64BigEndian(iv);
        _low = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
    }

    /// <summary>Encrypts or decrypts <paramref name="data"/> in place; its length must be a multiple of 16.</summary>
    public void Transform(Span<byte> data)
    {
        if (data.Length % BlockLength != 0)
            throw new ArgumentException("AES-CTR data must be whole blocks", nameof(data));
        while (!data.IsEmpty)
        {
            var chunk = Math.Min(data.Length, _counters.Length);
            for (var offset = 0; offset < chunk; offset += BlockLength)
            {
                BinaryPrimitives.WriteUInt64BigEndian(_counters.AsSpan(offset), _high);
                BinaryPrimitives.WriteUInt64BigEndian(_counters.AsSpan(offset + 8), _low);
                _low++;
                if (_low == 0)
                    _high++;
            }

            _ecb.TransformBlock(_counters, 0, chunk, _keystream, 0);
            Xor(data[..chunk], _keystream);
            data = data[chunk..];
        }
    }

    public void Dispose()
    {
        _ecb.Dispose();
        _aes.Dispose();
        CryptographicOperations.ZeroMemory(_keystream);
    }

    private static void Xor(Span<byte> data, ReadOnlySpan<byte> keystream)
    {
        var i = 0;
        var width = Vector<byte>.Count;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i <= data.Length - width; i += width)
                (new Vector<byte>(data[i..]) ^ new Vector<byte>(keystream[i..])).CopyTo(data[i..]);
        }

        for (; i < data.Length; i++)
            data[i] ^= keystream[i];
    }
}
