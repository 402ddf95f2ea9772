using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Agent.Runtime.Sshd.Sftp;

/// <summary>User and group names for long names (numbers when there is no name), cached per session.</summary>
internal sealed unsafe class SftpOwnerNames
{
    private const int MaxCached = 256;
    private const int EntrySize = 128;
    private const int BufferSize = 16 * 1024;
    private readonly Dictionary<uint, string> _users = [];
    private readonly Dictionary<uint, string> _groups = [];

    public string User(uint uid) => Lookup(_users, uid, group: false);

    public string Group(uint gid) => Lookup(_groups, gid, group: true);

    private static string Lookup(Dictionary<uint, string> cache, uint id, bool group)
    {
        if (cache.TryGetValue(id, out var name))
            return name;
        name = Resolve(id, group) ?? id.ToString(CultureInfo.InvariantCulture);
        if (cache.Count >= MaxCached)
            cache.Clear();
        cache[id] = name;
        return name;
    }

    private static string? Resolve(uint id, bool group)
    {
        var entry = stackalloc byte[EntrySize];
        var buffer = (byte*)NativeMemory.Alloc(BufferSize);
        try
        {
            byte* result = null;
            var error = group
                ? SftpNative.GetGroupEntry(id, entry, buffer, BufferSize, &result)
                : SftpNative.GetPasswordEntry(id, entry, buffer, BufferSize, &result);
            if (error != 0 || result == null)
                return null;
            var name = *(byte**)result;
            return name == null ? null : Encoding.UTF8.GetString(MemoryMarshal.CreateReadOnlySpanFromNullTerminated(name));
        }
        finally
        {
            NativeMemory.Free(buffer);
        }
    }
}
