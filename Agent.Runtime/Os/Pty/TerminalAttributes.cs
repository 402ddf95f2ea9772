using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Agent.Reactive.Effects;
using Agent.Runtime.Os.Interop;
using Microsoft.Win32.SafeHandles;

namespace Agent.Runtime.Os.Pty;

/// <summary>
/// Applies RFC 4254 terminal modes to a Linux terminal's attributes the way sshd does (<c>tty_parse_modes</c>): the
/// current attributes are read, each mode in order sets a control character (255 disables it) or sets (argument not
/// 0) or clears one flag bit, the speeds go through <c>cfsetispeed</c>/<c>cfsetospeed</c> (a rate Linux does not
/// name becomes 9600 baud), and the result is written with <c>tcsetattr(TCSANOW)</c>. Opcodes Linux has no
/// equivalent for (VDSUSP, VFLUSH, VSTATUS) and unassigned ones are ignored and returned. <c>CS7</c> and <c>CS8</c>
/// are bits of <c>CSIZE</c> like any other flag: a client sends <c>CS7 0, CS8 1</c> for eight bits, as sshd reads it.
/// </summary>
[SuppressMessage("StyleCop.CSharp.NamingRules", "SA1310:FieldNamesMustNotContainUnderscore", Justification = "Constants keep their libc names.")]
internal static unsafe class TerminalAttributes
{
    public const byte InputSpeedOpcode = 128;
    public const byte OutputSpeedOpcode = 129;

    // The c_cc indexes of Linux (asm-generic/termbits.h).
    public const int VINTR = 0;
    public const int VQUIT = 1;
    public const int VERASE = 2;
    public const int VKILL = 3;
    public const int VEOF = 4;
    public const int VSWTC = 7;
    public const int VSTART = 8;
    public const int VSTOP = 9;
    public const int VSUSP = 10;
    public const int VEOL = 11;
    public const int VREPRINT = 12;
    public const int VDISCARD = 13;
    public const int VWERASE = 14;
    public const int VLNEXT = 15;
    public const int VEOL2 = 16;

    // c_iflag
    public const uint IGNPAR = 0x4;
    public const uint PARMRK = 0x8;
    public const uint INPCK = 0x10;
    public const uint ISTRIP = 0x20;
    public const uint INLCR = 0x40;
    public const uint IGNCR = 0x80;
    public const uint ICRNL = 0x100;
    public const uint IUCLC = 0x200;
    public const uint IXON = 0x400;
    public const uint IXANY = 0x800;
    public const uint IXOFF = 0x1000;
    public const uint IMAXBEL = 0x2000;
    public const uint IUTF8 = 0x4000;

    // c_lflag
    public const uint ISIG = 0x1;
    public const uint ICANON = 0x2;
    public const uint XCASE = 0x4;
    public const uint ECHO = 0x8;
    public const uint ECHOE = 0x10;
    public const uint ECHOK = 0x20;
    public const uint ECHONL = 0x40;
    public const uint NOFLSH = 0x80;
    public const uint TOSTOP = 0x100;
    public const uint ECHOCTL = 0x200;
    public const uint ECHOKE = 0x800;
    public const uint PENDIN = 0x4000;
    public const uint IEXTEN = 0x8000;

    // c_oflag
    public const uint OPOST = 0x1;
    public const uint OLCUC = 0x2;
    public const uint ONLCR = 0x4;
    public const uint OCRNL = 0x8;
    public const uint ONOCR = 0x10;
    public const uint ONLRET = 0x20;

    // c_cflag
    public const uint CSIZE = 0x30;
    public const uint CS7 = 0x20;
    public const uint CS8 = 0x30;
    public const uint PARENB = 0x100;
    public const uint PARODD = 0x200;

    /// <summary>The encoding of a disabled control character in RFC 4254; Linux's <c>_POSIX_VDISABLE</c> is 0.</summary>
    private const uint DisabledCharacter = 255;

    private const uint B9600 = 13;

    private static readonly Dictionary<byte, int> Characters = new()
    {
        [1] = VINTR, [2] = VQUIT, [3] = VERASE, [4] = VKILL, [5] = VEOF, [6] = VEOL, [7] = VEOL2, [8] = VSTART, [9] = VSTOP,
        [10] = VSUSP, [12] = VREPRINT, [13] = VWERASE, [14] = VLNEXT, [16] = VSWTC, [18] = VDISCARD,
    };

    private static readonly Dictionary<byte, (Field Field, uint Bit)> Flags = new()
    {
        [30] = (Field.Input, IGNPAR), [31] = (Field.Input, PARMRK), [32] = (Field.Input, INPCK), [33] = (Field.Input, ISTRIP),
        [34] = (Field.Input, INLCR), [35] = (Field.Input, IGNCR), [36] = (Field.Input, ICRNL), [37] = (Field.Input, IUCLC),
        [38] = (Field.Input, IXON), [39] = (Field.Input, IXANY), [40] = (Field.Input, IXOFF), [41] = (Field.Input, IMAXBEL),
        [42] = (Field.Input, IUTF8),
        [50] = (Field.Local, ISIG), [51] = (Field.Local, ICANON), [52] = (Field.Local, XCASE), [53] = (Field.Local, ECHO),
        [54] = (Field.Local, ECHOE), [55] = (Field.Local, ECHOK), [56] = (Field.Local, ECHONL), [57] = (Field.Local, NOFLSH),
        [58] = (Field.Local, TOSTOP), [59] = (Field.Local, IEXTEN), [60] = (Field.Local, ECHOCTL), [61] = (Field.Local, ECHOKE),
        [62] = (Field.Local, PENDIN),
        [70] = (Field.Output, OPOST), [71] = (Field.Output, OLCUC), [72] = (Field.Output, ONLCR), [73] = (Field.Output, OCRNL),
        [74] = (Field.Output, ONOCR), [75] = (Field.Output, ONLRET),
        [90] = (Field.Control, CS7), [91] = (Field.Control, CS8), [92] = (Field.Control, PARENB), [93] = (Field.Control, PARODD),
    };

    // Baud rate → Linux speed_t (asm-generic/termbits.h).
    private static readonly Dictionary<uint, uint> Speeds = new()
    {
        [0] = 0, [50] = 1, [75] = 2, [110] = 3, [134] = 4, [150] = 5, [200] = 6, [300] = 7, [600] = 8, [1200] = 9,
        [1800] = 10, [2400] = 11, [4800] = 12, [9600] = B9600, [19200] = 14, [38400] = 15, [57600] = 0x1001,
        [115200] = 0x1002, [230400] = 0x1003, [460800] = 0x1004, [500000] = 0x1005, [576000] = 0x1006,
        [921600] = 0x1007, [1000000] = 0x1008, [1152000] = 0x1009, [1500000] = 0x100a, [2000000] = 0x100b,
        [2500000] = 0x100c, [3000000] = 0x100d, [3500000] = 0x100e, [4000000] = 0x100f,
    };

    private enum Field
    {
        Input,
        Output,
        Control,
        Local,
    }

    /// <summary>The Linux <c>speed_t</c> of a rate in baud; 9600 baud for a rate Linux does not name (as sshd).</summary>
    public static uint SpeedOf(uint baud) => Speeds.GetValueOrDefault(baud, B9600);

    /// <summary>Applies <paramref name="modes"/> to <paramref name="attributes"/> in order; returns the opcodes ignored.</summary>
    public static IReadOnlyList<byte> Apply(ref Termios attributes, IReadOnlyList<TerminalMode> modes)
    {
        fixed (Termios* pointer = &attributes)
            return Apply(pointer, modes);
    }

    /// <summary>The current attributes of the terminal behind <paramref name="terminal"/> (a master reads its slave's).</summary>
    /// <exception cref="Win32Exception"><c>tcgetattr</c> failed.</exception>
    public static Termios Get(SafeFileHandle terminal)
    {
        ArgumentNullException.ThrowIfNull(terminal);
        Termios attributes;
        var added = false;
        try
        {
            terminal.DangerousAddRef(ref added);
            if (PtyInterop.GetAttributes((int)terminal.DangerousGetHandle(), &attributes) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "tcgetattr failed");
        }
        finally
        {
            if (added)
                terminal.DangerousRelease();
        }

        return attributes;
    }

    /// <summary>
    /// Reads the attributes, applies <paramref name="modes"/> and writes them back at once; returns the opcodes ignored.
    /// A Linux pseudo-terminal is always eight bits without parity (the kernel's <c>pty_set_termios</c>), and glibc's
    /// <c>tcsetattr</c> fails when asked for another size or parity, so those bits keep the terminal's values.
    /// </summary>
    /// <exception cref="Win32Exception"><c>tcgetattr</c> or <c>tcsetattr</c> failed.</exception>
    public static IReadOnlyList<byte> Set(SafeFileHandle terminal, IReadOnlyList<TerminalMode> modes)
    {
        var attributes = Get(terminal);
        var fixedBits = attributes.ControlFlags & (CSIZE | PARENB);
        var ignored = Apply(ref attributes, modes);
        attributes.ControlFlags = (attributes.ControlFlags & ~(CSIZE | PARENB)) | fixedBits;
        var added = false;
        try
        {
            terminal.DangerousAddRef(ref added);
            if (PtyInterop.SetAttributes((int)terminal.DangerousGetHandle(), PtyInterop.TCSANOW, &attributes) != 0)
                throw new Win32Exception(Marshal.GetLastPInvokeError(), "tcsetattr failed");
        }
        finally
        {
            if (added)
                terminal.DangerousRelease();
        }

        return ignored;
    }

    private static List<byte> Apply(Termios* attributes, IReadOnlyList<TerminalMode> modes)
    {
        ArgumentNullException.ThrowIfNull(modes);
        List<byte> ignored = [];
        foreach (var (opcode, value) in modes)
        {
            if (Characters.TryGetValue(opcode, out var index))
            {
                attributes->ControlCharacters[index] = value == DisabledCharacter ? (byte)0 : (byte)value;
            }
            else if (Flags.TryGetValue(opcode, out var flag))
            {
                var field = flag.Field switch
                {
                    Field.Input => &attributes->InputFlags,
                    Field.Output => &attributes->OutputFlags,
                    Field.Control => &attributes->ControlFlags,
                    _ => &attributes->LocalFlags,
                };
                *field = value != 0 ? *field | flag.Bit : *field & ~flag.Bit;
            }
            else if (opcode == InputSpeedOpcode)
            {
                _ = PtyInterop.SetInputSpeed(attributes, SpeedOf(value));
            }
            else if (opcode == OutputSpeedOpcode)
            {
                _ = PtyInterop.SetOutputSpeed(attributes, SpeedOf(value));
            }
            else
            {
                ignored.Add(opcode);
            }
        }

        return ignored;
    }
}
