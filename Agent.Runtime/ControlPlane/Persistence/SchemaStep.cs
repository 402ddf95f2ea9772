namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// One schema migration: the statements that take the database from <paramref name="Version"/> − 1 to
/// <paramref name="Version"/>, in each dialect (the same text where the two agree). A step, once released, never changes:
/// a new schema is a new step.
/// </summary>
/// <param name="Version">The schema version the step produces (1, 2, ...).</param>
/// <param name="Sqlite">The statements for SQLite.</param>
/// <param name="Postgres">The statements for PostgreSQL.</param>
internal sealed record SchemaStep(int Version, string Sqlite, string Postgres)
{
    public string For(DatabaseKind kind) => kind == DatabaseKind.Sqlite ? Sqlite : Postgres;
}
