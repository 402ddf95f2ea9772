namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>Schema migrations on SQLite; a refused database's file keeps every byte.</summary>
public sealed class SqliteSchemaMigrationSpecs : SchemaMigrationContract
{
    protected override Task<IDatabaseUnderTest> CreateDatabaseAsync() => Task.FromResult<IDatabaseUnderTest>(new SqliteUnderTest());

    protected override Task<byte[]> FileBytesAsync(IDatabaseUnderTest under) => File.ReadAllBytesAsync(((SqliteUnderTest)under).Path);
}
