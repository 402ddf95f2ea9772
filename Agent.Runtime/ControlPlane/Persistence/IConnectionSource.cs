using System.Data.Common;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>Opens connections to one database, each ready for use (its per-connection settings applied).</summary>
internal interface IConnectionSource : IAsyncDisposable
{
    DatabaseKind Kind { get; }

    /// <summary>The database's URL, without a password: what log lines and errors name.</summary>
    string Name { get; }

    ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken);

    /// <summary>A transaction that writes: SQLite takes the write lock at once (<c>BEGIN IMMEDIATE</c>).</summary>
    ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>A transaction that only reads, one consistent snapshot.</summary>
    ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken);
}
