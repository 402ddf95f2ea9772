namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>Which database a <see cref="DatabaseUrl"/> names.</summary>
public enum DatabaseKind
{
    /// <summary>A SQLite file on this machine: one control plane.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database: one control plane, or several replicas sharing it.</summary>
    Postgres,
}
