namespace Agent.Runtime.ControlPlane.Replicas;

/// <summary>
/// The database's notification channel all replicas of one database share (PostgreSQL <c>LISTEN/NOTIFY</c>). Payloads
/// are ASCII text of at most <see cref="ReplicaMessage.MaxPayloadBytes"/> bytes.
/// </summary>
public interface IReplicaChannel
{
    /// <summary>
    /// Sends <paramref name="payloads"/> in order on this replica's one sending connection (opened again after a
    /// failure); a failure throws and may have sent some of them.
    /// </summary>
    Task NotifyAsync(IReadOnlyList<string> payloads, CancellationToken cancellationToken);

    /// <summary>
    /// Cold: each subscription opens a listening connection, produces <c>null</c> once it listens, then every payload
    /// sent on the channel (this replica's own too), until the connection fails (an error) or the subscription ends.
    /// </summary>
    IObservable<string?> Listen();
}
