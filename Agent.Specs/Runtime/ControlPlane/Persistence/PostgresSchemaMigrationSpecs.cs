using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>Schema migrations on PostgreSQL: one private server for the class, a new database per spec.</summary>
public sealed class PostgresSchemaMigrationSpecs(PostgresServer server) : SchemaMigrationContract, IClassFixture<PostgresServer>
{
    protected override async Task<IDatabaseUnderTest> CreateDatabaseAsync() => await PostgresUnderTest.CreateAsync(server);
}
