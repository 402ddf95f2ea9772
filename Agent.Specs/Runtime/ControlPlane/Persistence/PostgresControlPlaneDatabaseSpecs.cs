using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>The database contract on PostgreSQL: one private server for the class, a new database per spec.</summary>
public sealed class PostgresControlPlaneDatabaseSpecs(PostgresServer server) : ControlPlaneDatabaseContract, IClassFixture<PostgresServer>
{
    protected override async Task<IDatabaseUnderTest> CreateDatabaseAsync() => await PostgresUnderTest.CreateAsync(server);
}
