using System.Reactive.Linq;

namespace Agent.Reactive.Monitoring;

/// <summary>Makes and takes apart streams of <see cref="PipelineOutput{T}"/>.</summary>
public static class PipelineOutputs
{
    /// <summary>A product of a pipeline.</summary>
    public static PipelineOutput<T> Product<T>(T value) => new PipelineOutput<T>.Product(value);

    /// <summary>An event of a pipeline for the agent's feed.</summary>
    public static PipelineOutput<T> Event<T>(AgentEvent value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new PipelineOutput<T>.Event(value);
    }

    /// <summary>
    /// The products of <paramref name="source"/>; each event is handed to <paramref name="onEvent"/> as it passes,
    /// in order with the products. One subscription to the result is one subscription to <paramref name="source"/>.
    /// </summary>
    public static IObservable<T> Products<T>(this IObservable<PipelineOutput<T>> source, Action<AgentEvent> onEvent)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(onEvent);
        return source
            .Do(output =>
            {
                if (output is PipelineOutput<T>.Event told)
                    onEvent(told.Value);
            })
            .OfType<PipelineOutput<T>.Product>()
            .Select(product => product.Value);
    }
}
