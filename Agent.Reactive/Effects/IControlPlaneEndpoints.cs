namespace Agent.Reactive.Effects;

/// <summary>
/// The control planes an agent knows (replicas of one, given as a list): it talks to one at a time, the one
/// <see cref="Use"/> chose last, and its control-plane client and its relay follow that choice.
/// </summary>
public interface IControlPlaneEndpoints
{
    /// <summary>How many there are (at least one).</summary>
    int Count { get; }

    /// <summary>The <paramref name="index"/>th one as logs and events name it (its URL; it never holds a token).</summary>
    string Describe(int index);

    /// <summary>From now on, calls and relay connections go to the <paramref name="index"/>th one.</summary>
    void Use(int index);
}
