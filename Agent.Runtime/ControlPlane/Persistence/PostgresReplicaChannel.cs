using System.Reactive.Linq;
using Agent.Runtime.ControlPlane.Replicas;
using Npgsql;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// <see cref="IReplicaChannel"/> on PostgreSQL's <c>LISTEN/NOTIFY</c>, channel <see cref="Name"/>: one connection of its
/// own sends (each call one batch in one transaction, delivered in that order), one per subscription listens. Both
/// connections send TCP keepalives, so a database that vanished is noticed and the listener reconnects.
/// </summary>
internal sealed class PostgresReplicaChannel : IReplicaChannel, IAsyncDisposable
{
    /// <summary>The channel's name in the database.</summary>
    public const string Name = "agent_replicas";

    private readonly NpgsqlDataSource _dataSource;
    private readonly SemaphoreSlim _sending = new(1, 1);
    private NpgsqlConnection? _sender;

    public PostgresReplicaChannel(NpgsqlConnectionStringBuilder settings)
    {
        var builder = new NpgsqlConnectionStringBuilder(settings.ConnectionString)
        {
            KeepAlive = 10,
            ApplicationName = "agent server replicas",
            Pooling = false,
        };
        var dataSource = new NpgsqlSlimDataSourceBuilder(builder.ConnectionString);
        dataSource.EnableTransportSecurity();
        _dataSource = dataSource.Build();
    }

    public async Task NotifyAsync(IReadOnlyList<string> payloads, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        await _sending.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            _sender ??= await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

            // One round trip, one transaction: its notifications are delivered together, in the order sent (each payload
            // carries its sequence number, so PostgreSQL's folding of equal payloads in a transaction never applies).
            await using var batch = new NpgsqlBatch(_sender);
            foreach (var payload in payloads)
            {
                var command = new NpgsqlBatchCommand("SELECT pg_notify($1, $2)");
                command.Parameters.Add(new NpgsqlParameter { Value = Name });
                command.Parameters.Add(new NpgsqlParameter { Value = payload });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            if (Interlocked.Exchange(ref _sender, null) is { } broken)
                await broken.DisposeAsync().ConfigureAwait(false);
            throw;
        }
        finally
        {
            _sending.Release();
        }
    }

    public IObservable<string?> Listen() => Observable.Create<string?>(async (observer, cancellationToken) =>
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        connection.Notification += (_, notification) => observer.OnNext(notification.Payload);
        await using (var listen = new NpgsqlCommand($"LISTEN {Name}", connection))
            await listen.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        observer.OnNext(null);
        while (true)
            await connection.WaitAsync(cancellationToken).ConfigureAwait(false);
    });

    public async ValueTask DisposeAsync()
    {
        await _sending.WaitAsync().ConfigureAwait(false);
        if (Interlocked.Exchange(ref _sender, null) is { } sender)
            await sender.DisposeAsync().ConfigureAwait(false);
        _sending.Release();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
