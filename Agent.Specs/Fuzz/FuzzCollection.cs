namespace Agent.Specs.Fuzz;

/// <summary>
/// The fuzz specs run alone: their allocation bound reads the process-wide <see cref="GC.GetTotalAllocatedBytes(bool)"/>,
/// which any spec running beside them (the architecture spec reads every assembly) adds to.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class FuzzCollection
{
    public const string Name = "Fuzz: not parallel";
}
