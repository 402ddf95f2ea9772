using System.Buffers.Binary;
using Agent.Reactive.Effects;

namespace Agent.Runtime.Sshd.Session;

/// <summary>
/// Decodes the encoded terminal modes of a <c>pty-req</c> (RFC 4254 section 8): a sequence of an opcode byte and a
/// uint32 argument, ended by <c>TTY_OP_END</c> (0) or the end of the blob. Opcodes 160 to 255 are not defined and stop
/// the parsing (RFC 4254: their arguments are unknown), keeping the modes before them, as sshd does. An argument cut
/// short, or more than <see cref="MaxModes"/> modes, is malformed.
/// </summary>
internal static class TerminalModes
{
    /// <summary>The most modes one request may carry (OpenSSH sends about 60).</summary>
    public const int MaxModes = 256;

    private const byte End = 0;
    private const byte FirstUndefined = 160;
    private const int ArgumentSize = sizeof(uint);

    /// <summary>
    /// The modes in <paramref name="blob"/>, in order; <paramref name="stoppedAt"/> is the undefined opcode that ended
    /// the parsing, if one did.
    /// </summary>
    /// <exception cref="FormatException">The blob is malformed.</exception>
    public static IReadOnlyList<TerminalMode> Parse(ReadOnlySpan<byte> blob, out byte? stoppedAt)
    {
        stoppedAt = null;
        var modes = new List<TerminalMode>(Math.Min(blob.Length / (1 + ArgumentSize), MaxModes));
        var offset = 0;
        while (offset < blob.Length)
        {
            var opcode = blob[offset++];
            if (opcode == End)
                break;
            if (opcode >= FirstUndefined)
            {
                stoppedAt = opcode;
                break;
            }

            if (blob.Length - offset < ArgumentSize)
                throw new FormatException($"the argument of opcode {opcode} is cut short ({blob.Length - offset} of {ArgumentSize} bytes)");
            if (modes.Count == MaxModes)
                throw new FormatException($"more than {MaxModes} modes");
            modes.Add(new TerminalMode(opcode, BinaryPrimitives.ReadUInt32BigEndian(blob[offset..])));
            offset += ArgumentSize;
        }

        return modes;
    }
}
