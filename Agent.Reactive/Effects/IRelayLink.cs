namespace Agent.Reactive.Effects;

/// <summary>A connected relay. Disposing it closes the connection and every stream on it.</summary>
public interface IRelayLink : IAsyncDisposable
{
    /// <summary>Completes when the connection ends: normally when the control plane closed it, faulted with the reason otherwise.</summary>
    Task Completion { get; }

    /// <summary>Measures one round trip to the control plane.</summary>
    Task<TimeSpan> PingAsync(CancellationToken cancellationToken);
}
