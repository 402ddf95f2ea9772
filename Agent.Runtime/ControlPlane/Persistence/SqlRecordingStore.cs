using System.Data.Common;
using System.Text;
using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary><see cref="IRecordingStore"/> in the SQL both databases run (tables <c>agent_recordings</c> and <c>agent_recording_chunks</c>, schema v5).</summary>
internal sealed class SqlRecordingStore : IRecordingStore
{
    private const string Columns = "id, kind, who, started_at, ended_at, size, dropped_bytes";

    private const string Beyond =
        """
        SELECT id FROM agent_recordings WHERE agent = @agent AND id NOT IN (
            SELECT id FROM agent_recordings WHERE agent = @agent ORDER BY created_at DESC, id DESC LIMIT @keep)
        """;

    private const string Insert =
        """
        INSERT INTO agent_recordings (id, agent, kind, who, width, height, started_at, created_at, size, chunks, dropped_bytes)
        VALUES (@id, @agent, @kind, @who, @width, @height, @started, @created, 0, 0, 0)
        """;

    private readonly IConnectionSource _source;
    private readonly TimeProvider _time;

    public SqlRecordingStore(IConnectionSource source, TimeProvider time)
    {
        _source = source;
        _time = time;
    }

    public Task<string> StartAsync(string agent, RecordingStartRequest start, RecordingCaps caps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        ArgumentNullException.ThrowIfNull(caps);
        var id = Guid.NewGuid().ToString();
        return SqlCommands.InTransactionAsync(
            _source,
            "keeping a session recording failed",
            async (connection, transaction) =>
            {
                await SqlCommands.ExecuteAsync(connection, transaction, $"DELETE FROM agent_recording_chunks WHERE recording IN ({Beyond})", cancellationToken, ("@agent", agent), ("@keep", caps.PerAgent - 1)).ConfigureAwait(false);
                await SqlCommands.ExecuteAsync(connection, transaction, $"DELETE FROM agent_recordings WHERE id IN ({Beyond})", cancellationToken, ("@agent", agent), ("@keep", caps.PerAgent - 1)).ConfigureAwait(false);
                await SqlCommands.ExecuteAsync(
                    connection,
                    transaction,
                    Insert,
                    cancellationToken,
                    ("@id", id),
                    ("@agent", agent),
                    ("@kind", start.Kind),
                    ("@who", start.Who),
                    ("@width", start.Width),
                    ("@height", start.Height),
                    ("@started", StoredText.Timestamp(start.StartedAt)),
                    ("@created", StoredText.Timestamp(_time.GetUtcNow()))).ConfigureAwait(false);
                return id;
            },
            cancellationToken);
    }

    public Task<RecordingAppend> AppendAsync(string agent, string id, string data, RecordingCaps caps, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(caps);
        var bytes = Encoding.UTF8.GetByteCount(data);
        return SqlCommands.InTransactionAsync(
            _source,
            "appending to a session recording failed",
            async (connection, transaction) =>
            {
                var rows = await SqlCommands.ReadAllAsync(
                    connection,
                    transaction,
                    "SELECT size, chunks, ended_at FROM agent_recordings WHERE id = @id AND agent = @agent",
                    reader => (Size: reader.GetInt64(0), Chunks: reader.GetInt64(1), Ended: !reader.IsDBNull(2)),
                    cancellationToken,
                    ("@id", id),
                    ("@agent", agent)).ConfigureAwait(false);
                if (rows.Count == 0)
                    return RecordingAppend.NotFound;
                var (size, chunks, ended) = rows[0];
                if (ended)
                    return RecordingAppend.Ended;
                if (size + bytes > caps.MaxBytes)
                    return RecordingAppend.Full;
                await SqlCommands.ExecuteAsync(connection, transaction, "INSERT INTO agent_recording_chunks (recording, seq, data) VALUES (@id, @seq, @data)", cancellationToken, ("@id", id), ("@seq", chunks), ("@data", data)).ConfigureAwait(false);
                await SqlCommands.ExecuteAsync(connection, transaction, "UPDATE agent_recordings SET size = size + @bytes, chunks = chunks + 1 WHERE id = @id", cancellationToken, ("@id", id), ("@bytes", (long)bytes)).ConfigureAwait(false);
                return RecordingAppend.Appended;
            },
            cancellationToken);
    }

    public Task<bool> EndAsync(string agent, string id, RecordingEndRequest end, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(end);
        return SqlCommands.InTransactionAsync(
            _source,
            "ending a session recording failed",
            async (connection, transaction) => await SqlCommands.ExecuteAsync(
                connection,
                transaction,
                "UPDATE agent_recordings SET ended_at = @ended, dropped_bytes = @dropped WHERE id = @id AND agent = @agent AND ended_at IS NULL",
                cancellationToken,
                ("@id", id),
                ("@agent", agent),
                ("@ended", StoredText.Timestamp(end.EndedAt)),
                ("@dropped", Math.Max(0, end.DroppedBytes))).ConfigureAwait(false) == 1,
            cancellationToken);
    }

    public Task<IReadOnlyList<RecordingSummary>> ListAsync(string agent, CancellationToken cancellationToken)
        => SqlCommands.InTransactionAsync<IReadOnlyList<RecordingSummary>>(
            _source,
            "listing session recordings failed",
            async (connection, transaction) => await SqlCommands.ReadAllAsync(
                connection,
                transaction,
                $"SELECT {Columns} FROM agent_recordings WHERE agent = @agent ORDER BY created_at DESC, id DESC",
                Summary,
                cancellationToken,
                ("@agent", agent)).ConfigureAwait(false),
            cancellationToken,
            write: false);

    public Task<(RecordingSummary Summary, IReadOnlyList<string> Chunks)?> ReadAsync(string agent, string id, CancellationToken cancellationToken)
        => SqlCommands.InTransactionAsync<(RecordingSummary, IReadOnlyList<string>)?>(
            _source,
            "reading a session recording failed",
            async (connection, transaction) =>
            {
                var summary = (await SqlCommands.ReadAllAsync(connection, transaction, $"SELECT {Columns} FROM agent_recordings WHERE agent = @agent AND id = @id", Summary, cancellationToken, ("@agent", agent), ("@id", id)).ConfigureAwait(false)).SingleOrDefault();
                if (summary is null)
                    return null;
                var chunks = await SqlCommands.ReadAllAsync(connection, transaction, "SELECT data FROM agent_recording_chunks WHERE recording = @id ORDER BY seq", reader => reader.GetString(0), cancellationToken, ("@id", id)).ConfigureAwait(false);
                return (summary, chunks);
            },
            cancellationToken,
            write: false);

    private static RecordingSummary Summary(DbDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        StoredText.ParseTimestamp(reader.GetString(3)),
        reader.IsDBNull(4) ? null : StoredText.ParseTimestamp(reader.GetString(4)),
        reader.GetInt64(5),
        reader.GetInt64(6));
}
