using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>glibc's <c>struct termios</c> on Linux (60 bytes): the four flag words, the line discipline, the control characters and the speeds.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Termios
{
    /// <summary>glibc's <c>NCCS</c>.</summary>
    public const int ControlCharacterCount = 32;

    public uint InputFlags;
    public uint OutputFlags;
    public uint ControlFlags;
    public uint LocalFlags;
    public byte LineDiscipline;
    public fixed byte ControlCharacters[ControlCharacterCount];
    public uint InputSpeed;
    public uint OutputSpeed;

    /// <summary>The control character at <paramref name="index"/> (a <c>V*</c> index such as <c>VERASE</c>).</summary>
    public readonly byte ControlCharacter(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ControlCharacterCount);
        return ControlCharacters[index];
    }
}
