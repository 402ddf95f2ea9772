namespace Agent.Specs.Integration.Audit;

/// <summary>One <c>agent dev --ssh-address ... --authorized-keys ...</c> shared by the connection-report specs.</summary>
public sealed class AuditedDevFixture : IAsyncLifetime
{
    public AuditedAgent Agent { get; } = new();

    public Task InitializeAsync() => Agent.StartDevAsync();

    public Task DisposeAsync() => Agent.DisposeAsync().AsTask();
}
