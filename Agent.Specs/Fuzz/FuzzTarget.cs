namespace Agent.Specs.Fuzz;

/// <summary>
/// One parser under fuzz. <see cref="RunAsync"/> feeds it one input and returns what it made of it; the component's
/// defined errors (a protocol exception that ends the connection, a 400, a JSON exception the caller maps) are
/// caught inside and come back as <see cref="FuzzOutcome.Refused"/>. Anything that escapes is a finding, and so is
/// not returning within the per-input deadline. <see cref="Corpus"/> holds valid inputs made by our own writers: each
/// must come back <see cref="FuzzOutcome.Accepted"/>, before the run and after it (bad inputs broke nothing).
/// </summary>
internal sealed record FuzzTarget(
    string Name,
    IReadOnlyList<byte[]> Corpus,
    Func<byte[], CancellationToken, Task<FuzzOutcome>> RunAsync)
{
    /// <summary>Tokens the mutator inserts and overwrites with (names of the protocol, JSON fragments).</summary>
    public IReadOnlyList<byte[]> Dictionary { get; init; } = [];

    /// <summary>Inputs longer than this are cut.</summary>
    public int MaxInputBytes { get; init; } = 64 * 1024;

    /// <summary>Bytes one input may allocate (all threads) before it counts as an unbounded allocation.</summary>
    public long MaxAllocatedBytes { get; init; } = 256L * 1024 * 1024;

    /// <summary>Decides, before it runs, that an input is not to be run (the SFTP target keeps paths inside its directory).</summary>
    public Func<byte[], bool>? Skip { get; init; }
}
