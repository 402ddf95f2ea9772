using System.Data;
using System.Data.Common;
using Npgsql;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// Connections to one PostgreSQL database from an <see cref="NpgsqlDataSource"/> built with the slim builder (no
/// reflection: the NativeAOT publish stays free of warnings), TLS enabled for <c>sslmode</c>.
/// </summary>
internal sealed class PostgresConnectionSource : IConnectionSource
{
    /// <summary>How long opening a connection may take.</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(15);

    private readonly NpgsqlDataSource _dataSource;

    public PostgresConnectionSource(DatabaseUrl url)
    {
        Name = url.ToString();
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.Port,
            Database = url.Database,
            Timeout = (int)ConnectTimeout.TotalSeconds,
            ApplicationName = "agent server",
        };
        if (url.User.Length > 0)
            builder.Username = url.User;
        if (url.Password is not null)
            builder.Password = url.Password;
        if (url.SslMode is { } sslMode)
            builder.SslMode = Enum.Parse<SslMode>(sslMode.Replace("-", string.Empty, StringComparison.Ordinal), ignoreCase: true);
        var dataSource = new NpgsqlSlimDataSourceBuilder(builder.ConnectionString);
        dataSource.EnableTransportSecurity();
        _dataSource = dataSource.Build();
        Channel = new PostgresReplicaChannel(builder);
    }

    /// <summary>The database's notification channel between replicas.</summary>
    public PostgresReplicaChannel Channel { get; }

    public DatabaseKind Kind => DatabaseKind.Postgres;

    public string Name { get; }

    public async ValueTask<DbConnection> OpenAsync(CancellationToken cancellationToken)
        => await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken)
        => connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken);

    public ValueTask<DbTransaction> BeginReadAsync(DbConnection connection, CancellationToken cancellationToken)
        => connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Channel.DisposeAsync().ConfigureAwait(false);
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
