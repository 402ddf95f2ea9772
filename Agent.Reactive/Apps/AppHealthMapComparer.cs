using Agent.Reactive.Protocol;

namespace Agent.Reactive.Apps;

/// <summary>Two health maps are equal when they hold the same apps with the same health.</summary>
internal sealed class AppHealthMapComparer : IEqualityComparer<IReadOnlyDictionary<Guid, AppHealth>>
{
    public static AppHealthMapComparer Instance { get; } = new();

    public bool Equals(IReadOnlyDictionary<Guid, AppHealth>? x, IReadOnlyDictionary<Guid, AppHealth>? y)
    {
        if (ReferenceEquals(x, y))
            return true;
        if (x is null || y is null || x.Count != y.Count)
            return false;
        foreach (var (id, health) in x)
        {
            if (!y.TryGetValue(id, out var other) || other != health)
                return false;
        }

        return true;
    }

    public int GetHashCode(IReadOnlyDictionary<Guid, AppHealth> obj)
    {
        ArgumentNullException.ThrowIfNull(obj);
        var hash = 0;
        foreach (var (id, health) in obj)
            hash ^= HashCode.Combine(id, health);
        return hash;
    }
}
