using Agent.Reactive.Protocol;

namespace Agent.Runtime.ControlPlane.Persistence;

/// <summary>
/// The database's <see cref="IRecordingStore"/> as an agent's journal offers it: a database failure is an
/// <see cref="AgentJournalException"/>, as for the agent's other reports.
/// </summary>
internal sealed class JournaledRecordingStore(IRecordingStore store) : IRecordingStore
{
    public Task<string> StartAsync(string agent, RecordingStartRequest start, RecordingCaps caps, CancellationToken cancellationToken)
        => Journaled(() => store.StartAsync(agent, start, caps, cancellationToken));

    public Task<RecordingAppend> AppendAsync(string agent, string id, string data, RecordingCaps caps, CancellationToken cancellationToken)
        => Journaled(() => store.AppendAsync(agent, id, data, caps, cancellationToken));

    public Task<bool> EndAsync(string agent, string id, RecordingEndRequest end, CancellationToken cancellationToken)
        => Journaled(() => store.EndAsync(agent, id, end, cancellationToken));

    public Task<IReadOnlyList<RecordingSummary>> ListAsync(string agent, CancellationToken cancellationToken)
        => Journaled(() => store.ListAsync(agent, cancellationToken));

    public Task<(RecordingSummary Summary, IReadOnlyList<string> Chunks)?> ReadAsync(string agent, string id, CancellationToken cancellationToken)
        => Journaled(() => store.ReadAsync(agent, id, cancellationToken));

    private static async Task<T> Journaled<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (ControlPlaneDatabaseException ex)
        {
            throw new AgentJournalException($"the database could not serve the session recording: {ex.Message}", ex);
        }
    }
}
