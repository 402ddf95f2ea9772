using System.Runtime.InteropServices;

namespace Agent.Runtime.Os.Interop;

/// <summary>The kernel's <c>struct winsize</c> (rows and columns in character cells, pixels unused).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct WindowSize
{
    public ushort Rows;
    public ushort Columns;
    public ushort PixelWidth;
    public ushort PixelHeight;
}
