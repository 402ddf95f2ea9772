using Agent.Specs.Integration;

namespace Agent.Specs.Architecture;

/// <summary>
/// The structure docs/ARCHITECTURE.md draws, enforced: uses between rooms follow its table, no folders use each other
/// in a cycle, namespaces follow folders, and no product file grows past <see cref="MaxLines"/> lines.
/// </summary>
public sealed class ArchitectureSpecs
{
    public const int MaxLines = 500;

    private static readonly Lazy<NamespaceGraph> Product = new(() => NamespaceGraph.Read(
        [typeof(Agent.Reactive.WorkspaceAgent).Assembly.Location, typeof(Agent.Runtime.Hosting.AgentHost).Assembly.Location],
        "Agent."));

    private static readonly Lazy<RoomTable> Table = new(() => RoomTable.Parse(File.ReadAllText(Path.Join(AgentBinary.RepositoryRoot, "docs", "ARCHITECTURE.md"))));

    [Fact]
    public void Rooms_EveryUseBetweenThem_IsAllowedByTheTable()
        => AssertNone(ArchitectureRules.RoomViolations(Product.Value, Table.Value));

    [Fact]
    public void RoomTable_AllowedUses_FormAHierarchy()
        => AssertNone(ArchitectureRules.TableCycles(Table.Value));

    [Fact]
    public void RoomTable_EveryRoom_IsAFolder()
        => AssertNone(Table.Value.Allowed.Keys.Except(ProductSources.RuntimeFolders().Append("Agent.Runtime")).Select(room => $"{room} is in the table but is no folder"));

    [Fact]
    public void Folders_OfBothProjects_NeverUseEachOtherInACycle()
        => AssertNone(ArchitectureRules.NamespaceCycles(Product.Value));

    [Fact]
    public void Rules_PlantedCycle_AreBroken()
    {
        // Sshd uses Ssh everywhere; one use back from the protocol to the daemon is a cycle and a use the table forbids.
        var planted = Product.Value.With("Agent.Runtime.Ssh.Transport", "Agent.Runtime.Sshd.Server", "SshServerTransport → SshServer");

        Assert.Contains(ArchitectureRules.RoomViolations(planted, Table.Value), problem => problem.Contains("Ssh/Transport", StringComparison.Ordinal) || problem.Contains("Ssh.Transport uses", StringComparison.Ordinal));
        Assert.Contains(ArchitectureRules.NamespaceCycles(planted), problem => problem.Contains("Agent.Runtime.Ssh.Transport → Agent.Runtime.Sshd.Server", StringComparison.Ordinal));
    }

    [Fact]
    public void Files_Namespace_FollowsTheFolder()
        => AssertNone(ProductSources.Files([.. ProductSources.Projects, "Agent.Specs"])
            .Where(file => file.Namespace is not null && file.Namespace != ProductSources.FolderNamespace(file.Path))
            .Select(file => $"{file.Path} declares {file.Namespace}"));

    [Fact]
    public void ProductFiles_Length_IsAtMostTheLimit()
        => AssertNone(ProductSources.Files()
            .Where(file => file.Lines.Length > MaxLines)
            .Select(file => $"{file.Path} has {file.Lines.Length} lines (at most {MaxLines}: split it by concern)"));

    private static void AssertNone(IEnumerable<string> problems)
    {
        var found = problems.ToList();
        Assert.True(found.Count == 0, $"{found.Count} found:\n" + string.Join("\n", found));
    }
}
