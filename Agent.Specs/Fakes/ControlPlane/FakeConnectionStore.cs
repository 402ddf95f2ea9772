using Agent.Reactive.Protocol;
using Agent.Runtime.ControlPlane;

namespace Agent.Specs.Fakes.ControlPlane;

/// <summary>An <see cref="IConnectionStore"/> in memory: every batch kept, merged per connection as the SQL store does.</summary>
public sealed class FakeConnectionStore : IConnectionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ConnectionReport>> _reports = new(StringComparer.Ordinal);

    public Task AppendAsync(string agent, IReadOnlyList<ConnectionReport> reports, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_reports.TryGetValue(agent, out var kept))
                _reports[agent] = kept = [];
            kept.AddRange(reports);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<ConnectionRecord>> ReadAsync(string agent, int limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var kept = _reports.GetValueOrDefault(agent) ?? [];
            IReadOnlyList<ConnectionRecord> records = [.. kept
                .GroupBy(report => report.Id)
                .Select(group =>
                {
                    var opened = group.FirstOrDefault(report => report.Action == ConnectionActions.Connect);
                    var closed = group.LastOrDefault(report => report.Action == ConnectionActions.Disconnect);
                    var any = opened ?? closed!;
                    return new ConnectionRecord(
                        any.Id, any.Type, any.Ip, any.User, any.Who, any.What, opened?.Timestamp, closed?.Timestamp, closed?.StatusCode, closed?.Signal, closed?.Reason, closed?.FileOperations ?? [], closed?.FileOperationsDropped ?? 0);
                })
                .Reverse()
                .Take(limit)];
            return Task.FromResult(records);
        }
    }
}
