namespace Agent.Reactive.Monitoring;

/// <summary>
/// One element of a pipeline that both produces something and has something to tell the agent's event feed: either
/// a <see cref="Product"/> (a connection, a final state, an accepted batch) or an <see cref="Event"/> for the feed.
/// Both come in one stream, in the order they happened, from one run of the pipeline.
/// </summary>
/// <typeparam name="T">What the pipeline produces.</typeparam>
public abstract record PipelineOutput<T>
{
    // Closed: the two cases below are the only ones.
    private PipelineOutput()
    {
    }

    /// <summary>Something the pipeline produced.</summary>
    public sealed record Product(T Value) : PipelineOutput<T>;

    /// <summary>Something the agent's event feed should know.</summary>
    public sealed record Event(AgentEvent Value) : PipelineOutput<T>;
}
