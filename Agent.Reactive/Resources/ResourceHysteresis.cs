using Agent.Reactive.Protocol;

namespace Agent.Reactive.Resources;

/// <summary>
/// Threshold crossings with hysteresis, so a value that hovers does not flap: <c>ok</c> turns <c>warning</c> after
/// <see cref="WarnAfter"/> samples in a row at or above the threshold; <c>warning</c> turns <c>ok</c> after
/// <see cref="ClearAfter"/> samples in a row below the low mark (threshold − <see cref="ClearMargin"/> points). A sample
/// between the low mark and the threshold breaks both runs.
/// </summary>
public static class ResourceHysteresis
{
    public const int WarnAfter = 3;
    public const int ClearAfter = 3;
    public const double ClearMargin = 5;

    public static ResourceTrack Next(ResourceTrack track, double percent, int threshold, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(track);
        var above = percent >= threshold ? track.Above + 1 : 0;
        var below = percent < threshold - ClearMargin ? track.Below + 1 : 0;
        return track.State switch
        {
            ResourceState.Ok when above >= WarnAfter => new ResourceTrack(ResourceState.Warning, 0, 0, at),
            ResourceState.Warning when below >= ClearAfter => new ResourceTrack(ResourceState.Ok, 0, 0, at),
            _ => track with { Above = above, Below = below },
        };
    }
}
