namespace Agent.Reactive.Scripts;

/// <summary>A <c>start_blocks_login</c> script as <see cref="LoginGate"/> sees it.</summary>
/// <param name="Name">Its name, for the notice.</param>
/// <param name="Ended">Produces once when its run ended: whether it succeeded.</param>
/// <param name="Wait">How long sessions wait for it at most.</param>
public sealed record BlockingScript(string Name, IObservable<bool> Ended, TimeSpan Wait);
