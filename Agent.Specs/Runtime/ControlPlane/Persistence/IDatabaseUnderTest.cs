using System.Data.Common;
using Agent.Runtime.ControlPlane.Persistence;

namespace Agent.Specs.Runtime.ControlPlane.Persistence;

/// <summary>One empty database for one spec, and the ways the spec looks into it behind the store's back.</summary>
public interface IDatabaseUnderTest : IAsyncDisposable
{
    DatabaseUrl Url { get; }

    /// <summary>Closes the pooled connections of this process, so the database is at rest (SQLite: the WAL checkpointed).</summary>
    void ClearPools();

    /// <summary>A connection of the spec's own, not opened yet, outside any pool of the store.</summary>
    DbConnection CreateConnection();

    /// <summary>Everything stored, as text to search for what must never be stored (SQLite: the files' bytes).</summary>
    Task<string> StoredTextAsync();

    /// <summary>The tables, their columns and the schema version: equal before and after means the schema did not change.</summary>
    Task<string> SchemaAsync();
}
