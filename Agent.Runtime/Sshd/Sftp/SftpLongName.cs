using System.Globalization;
using System.Text;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>
/// The <c>ls -l</c>-style long name of a READDIR entry, laid out as OpenSSH's <c>ls_file</c> does:
/// <c>-rw-r--r--    1 user     group        1234 Nov 27 05:51 name</c>.
/// </summary>
internal static class SftpLongName
{
    private const long HalfYearSeconds = 365L * 24 * 60 * 60 / 2;

    /// <summary>The long name as raw bytes in a Latin-1 string (the file name keeps its bytes).</summary>
    public static string Format(string rawName, SftpFileStatus status, string user, string group, DateTimeOffset now)
    {
        var builder = new StringBuilder(80);
        builder.Append(Mode(status.Mode)).Append(' ');
        builder.Append(status.LinkCount.ToString(CultureInfo.InvariantCulture).PadLeft(3)).Append(' ');
        builder.Append(Raw(user).PadRight(8)).Append(' ');
        builder.Append(Raw(group).PadRight(8)).Append(' ');
        builder.Append(status.Size.ToString(CultureInfo.InvariantCulture).PadLeft(8)).Append(' ');
        builder.Append(Time(status.ModificationTime, now)).Append(' ');
        builder.Append(rawName);
        return builder.ToString();
    }

    /// <summary>OpenBSD <c>strmode</c>: type letter, three rwx triplets with s/S/t/T (without the trailing space).</summary>
    public static string Mode(uint mode)
    {
        Span<char> m = stackalloc char[10];
        m[0] = (mode & SftpFileStatus.TypeMask) switch
        {
            SftpFileStatus.Directory => 'd',
            SftpFileStatus.SymbolicLink => 'l',
            SftpFileStatus.Regular => '-',
            0x2000 => 'c',
            0x6000 => 'b',
            0x1000 => 'p',
            0xC000 => 's',
            _ => '?',
        };
        m[1] = (mode & 0x100) != 0 ? 'r' : '-';
        m[2] = (mode & 0x80) != 0 ? 'w' : '-';
        m[3] = Execute(mode & 0x40, mode & 0x800, 's');
        m[4] = (mode & 0x20) != 0 ? 'r' : '-';
        m[5] = (mode & 0x10) != 0 ? 'w' : '-';
        m[6] = Execute(mode & 0x8, mode & 0x400, 's');
        m[7] = (mode & 0x4) != 0 ? 'r' : '-';
        m[8] = (mode & 0x2) != 0 ? 'w' : '-';
        m[9] = Execute(mode & 0x1, mode & 0x200, 't');
        return new string(m);
    }

    private static char Execute(uint execute, uint special, char letter)
        => (execute != 0, special != 0) switch
        {
            (true, true) => letter,
            (false, true) => char.ToUpperInvariant(letter),
            (true, false) => 'x',
            _ => '-',
        };

    private static string Time(long modificationTime, DateTimeOffset now)
    {
        var local = DateTimeOffset.FromUnixTimeSeconds(Math.Clamp(modificationTime, -62135596800L, 253402300799L)).ToLocalTime();
        var nowSeconds = now.ToUnixTimeSeconds();
        var recent = nowSeconds - HalfYearSeconds < modificationTime && nowSeconds >= modificationTime;
        var day = local.Day.ToString(CultureInfo.InvariantCulture).PadLeft(2);
        var month = local.ToString("MMM", CultureInfo.InvariantCulture);
        return recent
            ? $"{month} {day} {local.ToString("HH:mm", CultureInfo.InvariantCulture)}"
            : $"{month} {day}  {local.Year.ToString(CultureInfo.InvariantCulture)}";
    }

    private static string Raw(string text) => SftpFileSystem.Bytes.GetString(Encoding.UTF8.GetBytes(text));
}
