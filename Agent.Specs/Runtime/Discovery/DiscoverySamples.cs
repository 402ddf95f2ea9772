using System.Net;
using Agent.Runtime.Discovery;

namespace Agent.Specs.Runtime.Discovery;

/// <summary>Host keys (real OpenSSH public keys) and an announcement for the discovery specs.</summary>
internal static class DiscoverySamples
{
    public const string Ed25519Line = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB6FFxmVADooUcBOIA7JMVoNhP8wQxSiw8Ef7y2E1jNV";
    public const string EcdsaLine = "ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBCnrcrDoKQw/LO7iXItT8cAmFDcqRX7boWyc2W1KWXbYt/t0UUCe3eCvsEAf6JtdZFb849Lx8Z54CASbwwdmP+Y=";

    public static HostKeyRecord Ed25519 => HostKeyRecord.FromPublicKeyLine(Ed25519Line)!;

    public static AgentAnnouncement Announcement(string name = "main")
        => AgentAnnouncement.Create(name, new IPEndPoint(IPAddress.Parse("10.0.0.1"), 2222), [Ed25519Line, EcdsaLine], "0.1.0");
}
