namespace Agent.Specs.Integration.Audit;

/// <summary><c>agent server</c> and <c>agent run ... --block-file-transfer --block-port-forwarding</c>, shared by the block specs.</summary>
public sealed class BlockedAgentFixture : IAsyncLifetime
{
    public AuditedAgent Agent { get; } = new();

    public Task InitializeAsync() => Agent.StartRunAsync("--block-file-transfer", "--block-port-forwarding");

    public Task DisposeAsync() => Agent.DisposeAsync().AsTask();
}
