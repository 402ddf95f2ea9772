using Agent.Runtime.ControlPlane.Persistence;
using Agent.Specs.Utilities;
using Microsoft.Extensions.Logging;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>A PostgreSQL database that cannot be opened: the error names it, never with its password.</summary>
public sealed class PostgresOpenSpecs
{
    [Fact]
    public async Task Open_NoServerAtTheSocket_ThrowsNamingTheUrlWithoutThePassword()
    {
        using var temp = new TempDirectory();
        var url = DatabaseUrl.Parse($"postgres://agent:hunter2-secret@/state?host={temp.Path}", out _)!;
        var logs = new CapturingLoggerProvider();
        using var factory = LoggerFactory.Create(builder => builder.AddProvider(logs));

        var refused = await Assert.ThrowsAsync<ControlPlaneDatabaseException>(() => ControlPlaneDatabases.OpenAsync(url, factory, CancellationToken.None));

        Assert.StartsWith($"postgres://agent:***@/state?host={temp.Path}: cannot be opened: ", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", refused.ToString(), StringComparison.Ordinal);
        var logged = Assert.Single(logs.Entries, e => e.EventId.Id == 6502);
        Assert.DoesNotContain("hunter2", logged.Text, StringComparison.Ordinal);
    }
}
