using System.Numerics;
using Agent.Runtime.Ssh.Wire;

namespace Agent.Runtime.Ssh.Keys;

/// <summary>
/// The inner ECDSA signature of RFC 5656 section 3.1.2 (<c>mpint r, mpint s</c>) to and from the IEEE P1363 form
/// (fixed-size r ‖ s) that .NET's <see cref="System.Security.Cryptography.ECDsa"/> produces and checks.
/// </summary>
internal static class EcdsaSignature
{
    public static byte[] FromP1363(ReadOnlySpan<byte> rs)
    {
        var half = rs.Length / 2;
        return new SshWriter(rs.Length + 10).WriteMpint(rs[..half]).WriteMpint(rs[half..]).ToArray();
    }

    /// <summary>Reads <c>mpint r, mpint s</c> into a P1363 buffer of 2 × <paramref name="fieldSize"/>; false when malformed or out of range.</summary>
    public static bool TryToP1363(ReadOnlySpan<byte> encoded, int fieldSize, out byte[] rs)
    {
        rs = new byte[2 * fieldSize];
        try
        {
            var reader = new SshReader(encoded);
            var r = reader.ReadMpint();
            var s = reader.ReadMpint();
            if (!reader.AtEnd)
                return false;
            return TryWrite(r, rs.AsSpan(0, fieldSize)) && TryWrite(s, rs.AsSpan(fieldSize));
        }
        catch (SshProtocolException)
        {
            return false;
        }
    }

    private static bool TryWrite(BigInteger value, Span<byte> destination)
    {
        if (value.Sign <= 0 || value.GetByteCount(isUnsigned: true) > destination.Length)
            return false;
        var count = value.GetByteCount(isUnsigned: true);
        return value.TryWriteBytes(destination[(destination.Length - count)..], out _, isUnsigned: true, isBigEndian: true);
    }
}
