namespace Agent.Specs.Utilities;

/// <summary>
/// What a spec started (ssh clients, echo servers, processes), disposed last in, first out when the spec ends: the
/// client goes before the server it reaches.
/// </summary>
public sealed class DisposeStack : IDisposable
{
    private readonly Stack<IDisposable> _items = new();

    /// <summary>Keeps <paramref name="item"/> for disposal and returns it.</summary>
    public T Push<T>(T item)
        where T : IDisposable
    {
        _items.Push(item);
        return item;
    }

    public void Dispose()
    {
        while (_items.TryPop(out var item))
            item.Dispose();
    }
}
