namespace Agent.Runtime.Discovery;

/// <summary>The DNS record types discovery reads and writes.</summary>
public static class DnsType
{
    public const ushort A = 1;
    public const ushort Ptr = 12;
    public const ushort Txt = 16;
    public const ushort Aaaa = 28;
    public const ushort Srv = 33;
    public const ushort Any = 255;

    /// <summary>Class IN.</summary>
    public const ushort ClassIn = 1;
}
