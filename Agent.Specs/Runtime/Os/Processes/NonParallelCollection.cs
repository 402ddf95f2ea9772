namespace Agent.Specs.Runtime.Os.Processes;

/// <summary>Specs that count process-wide resources (file descriptors) run alone.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class NonParallelCollection
{
    public const string Name = "Processes: not parallel";
}
