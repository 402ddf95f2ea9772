namespace Agent.Runtime.Discovery;

/// <summary>
/// The DNS-SD records of one agent (RFC 6763): <c>_ssh._tcp.local</c> PTR to the instance (named after the agent),
/// the instance's SRV (host and SSH port) and TXT (<c>txtvers=1</c>, the description's URL, one <c>fp-TYPE=SHA256:...</c>
/// per host key), the host's A or AAAA record, and the service-type enumeration's PTR; and which of them answer a question.
/// </summary>
public sealed class MdnsRecordSet
{
    public const string ServicesName = "_services._dns-sd._udp.local";

    /// <summary>Host records (SRV, A) live 120 s, the others 75 minutes (RFC 6762, section 10).</summary>
    public const uint HostTtl = 120;

    public const uint OtherTtl = 4500;

    public MdnsRecordSet(AgentAnnouncement announcement, Uri description)
    {
        ArgumentNullException.ThrowIfNull(announcement);
        InstanceName = DnsName.Join(announcement.InstanceLabel) + "." + AgentAnnouncement.ServiceType;
        HostName = announcement.HostName;
        Enumeration = DnsRecord.Ptr(ServicesName, AgentAnnouncement.ServiceType, OtherTtl);
        Pointer = DnsRecord.Ptr(AgentAnnouncement.ServiceType, InstanceName, OtherTtl);
        Service = DnsRecord.Srv(InstanceName, HostName, (ushort)announcement.Ssh.Port, HostTtl);
        Text = DnsRecord.Txt(InstanceName, [Texts.Version, Texts.Description + description, .. announcement.Keys.Select(key => Texts.FingerprintPrefix + key.Type + "=" + key.Fingerprint)], OtherTtl);
        Address = DnsRecord.Address(HostName, announcement.Ssh.Address, HostTtl);
    }

    public string InstanceName { get; }

    public string HostName { get; }

    public DnsRecord Enumeration { get; }

    public DnsRecord Pointer { get; }

    public DnsRecord Service { get; }

    public DnsRecord Text { get; }

    public DnsRecord Address { get; }

    public IReadOnlyList<DnsRecord> All => [Pointer, Service, Text, Address, Enumeration];

    /// <summary>The answers to <paramref name="questions"/> and the additional records they call for (RFC 6763, section 12), without repeats.</summary>
    public List<DnsRecord> Answer(IEnumerable<DnsQuestion> questions)
    {
        var answers = new List<DnsRecord>();
        foreach (var question in questions.Where(q => q.Class is DnsType.ClassIn or DnsType.Any))
        {
            foreach (var record in All.Where(record => DnsName.Same(record.Name, question.Name) && (question.Type == DnsType.Any || question.Type == record.Type)))
            {
                answers.Add(record);
                if (record == Pointer)
                    answers.AddRange([Service, Text, Address]);
                else if (record == Service)
                    answers.Add(Address);
            }
        }

        return answers.Distinct().ToList();
    }

    /// <summary>The keys of the agent's TXT strings.</summary>
    public static class Texts
    {
        public const string Version = "txtvers=1";
        public const string Description = "description=";
        public const string FingerprintPrefix = "fp-";
    }
}
