namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>The database contract on SQLite.</summary>
public sealed class SqliteControlPlaneDatabaseSpecs : ControlPlaneDatabaseContract
{
    protected override Task<IDatabaseUnderTest> CreateDatabaseAsync() => Task.FromResult<IDatabaseUnderTest>(new SqliteUnderTest());
}
