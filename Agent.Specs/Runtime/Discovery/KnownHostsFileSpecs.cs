using Agent.Runtime.Discovery;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Discovery;

public sealed class KnownHostsFileSpecs : IDisposable
{
    private readonly TempDirectory _directory = new();

    private string File => _directory.Combine("ssh", "known_hosts");

    [Fact]
    public void Add_NewFile_WritesBracketedHostPortLinesPrivately()
    {
        var added = KnownHostsFile.Add(File, [Agent(2222)]);

        Assert.Equal(2, added);
        Assert.Equal(
            ["[10.0.0.1]:2222 " + DiscoverySamples.Ed25519Line, "[10.0.0.1]:2222 " + DiscoverySamples.EcdsaLine],
            System.IO.File.ReadAllLines(File));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File));
    }

    [Fact]
    public void Add_LinesAlreadyThere_KeepsTheFileAndWritesOnlyWhatIsMissing()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(File)!);
        System.IO.File.WriteAllText(File, "other.example ssh-ed25519 AAAA\n[10.0.0.1]:2222 " + DiscoverySamples.Ed25519Line + " a comment");

        Assert.Equal(1, KnownHostsFile.Add(File, [Agent(2222)]));
        Assert.Equal(0, KnownHostsFile.Add(File, [Agent(2222)]));

        Assert.Equal(
            ["other.example ssh-ed25519 AAAA", "[10.0.0.1]:2222 " + DiscoverySamples.Ed25519Line + " a comment", "[10.0.0.1]:2222 " + DiscoverySamples.EcdsaLine],
            System.IO.File.ReadAllLines(File));
    }

    [Fact]
    public void Add_Port22_WritesThePlainHost()
    {
        KnownHostsFile.Add(File, [Agent(22)]);

        Assert.StartsWith("10.0.0.1 ssh-ed25519 ", System.IO.File.ReadAllLines(File)[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Add_AgentWithAProblem_WritesNothing()
    {
        Assert.Equal(0, KnownHostsFile.Add(File, [Agent(2222) with { Problem = "its SSH address is not the address that announced it" }]));
        Assert.False(System.IO.File.Exists(File));
    }

    public void Dispose() => _directory.Dispose();

    private static DiscoveredAgent Agent(int port)
        => new("main", "uuid:x", "10.0.0.1", port, DiscoverySamples.Announcement().Keys, new Uri("http://10.0.0.1:8080/agent.xml"), "ssdp", null);
}
