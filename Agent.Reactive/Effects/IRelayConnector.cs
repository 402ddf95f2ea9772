namespace Agent.Reactive.Effects;

/// <summary>Opens the agent's relay to the control plane: the one outbound connection that carries every client connection.</summary>
public interface IRelayConnector
{
    /// <summary>Connects and starts serving the streams the control plane opens; throws when it cannot connect.</summary>
    Task<IRelayLink> ConnectAsync(CancellationToken cancellationToken);
}
