namespace Agent.Specs.Architecture;

/// <summary>What the architecture spec checks, as functions of a namespace graph, so a planted cycle can be shown to fail.</summary>
public static class ArchitectureRules
{
    /// <summary>Uses between rooms that the table does not allow, and namespaces no room covers.</summary>
    public static IReadOnlyList<string> RoomViolations(NamespaceGraph graph, RoomTable table)
    {
        var problems = new List<string>();
        foreach (var ns in graph.Namespaces.Where(ns => ns.StartsWith("Agent.Runtime", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            if (table.RoomOf(ns) is null)
                problems.Add($"{ns} is in no room of the table in docs/ARCHITECTURE.md");
        }

        foreach (var ((from, to), use) in graph.Edges.OrderBy(edge => edge.Key.From, StringComparer.Ordinal).ThenBy(edge => edge.Key.To, StringComparer.Ordinal))
        {
            if (!to.StartsWith("Agent.Runtime", StringComparison.Ordinal) || table.RoomOf(from) is not { } fromRoom || table.RoomOf(to) is not { } toRoom)
                continue;
            if (!table.Allows(fromRoom, toRoom))
                problems.Add($"{from} uses {to} ({use}), but {Short(fromRoom)} may not use {Short(toRoom)}");
        }

        return problems;
    }

    /// <summary>Cycles in the table itself: allowed uses must form a hierarchy.</summary>
    public static IReadOnlyList<string> TableCycles(RoomTable table)
    {
        var edges = table.Allowed.SelectMany(row => row.Value.Where(table.Allowed.ContainsKey).Select(to => (row.Key, to)));
        return Cycles(table.Allowed.Keys, edges).Select(cycle => "the table allows a cycle: " + string.Join(" → ", cycle.Select(Short))).ToList();
    }

    /// <summary>Cycles between namespaces (folders), each with the uses that close it.</summary>
    public static IReadOnlyList<string> NamespaceCycles(NamespaceGraph graph)
        => Cycles(graph.Namespaces, graph.Edges.Keys.Select(edge => (edge.From, edge.To)))
            .Select(cycle => "folders use each other: " + string.Join("; ", cycle.Zip(cycle.Skip(1).Append(cycle[0]))
                .Where(pair => graph.Edges.ContainsKey(pair))
                .Select(pair => $"{pair.First} → {pair.Second} ({graph.Edges[pair]})")))
            .ToList();

    /// <summary>Strongly connected components of more than one node (Tarjan), each in one walk order.</summary>
    private static IEnumerable<List<string>> Cycles(IEnumerable<string> nodes, IEnumerable<(string From, string To)> edges)
    {
        var next = edges.GroupBy(edge => edge.From).ToDictionary(group => group.Key, group => group.Select(edge => edge.To).Distinct().Order(StringComparer.Ordinal).ToList());
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var found = new List<List<string>>();
        void Connect(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var to in next.GetValueOrDefault(node) ?? [])
            {
                if (!index.ContainsKey(to))
                {
                    Connect(to);
                    low[node] = Math.Min(low[node], low[to]);
                }
                else if (stack.Contains(to))
                {
                    low[node] = Math.Min(low[node], index[to]);
                }
            }

            if (low[node] != index[node])
                return;
            var component = new List<string>();
            string member;
            do
            {
                member = stack.Pop();
                component.Add(member);
            }
            while (member != node);
            if (component.Count > 1)
                found.Add(Walk(component, next));
        }

        foreach (var node in nodes.Concat(next.Keys).Distinct().Order(StringComparer.Ordinal))
        {
            if (!index.ContainsKey(node))
                Connect(node);
        }

        return found;
    }

    // A closed walk through the component from its first member, shortest path by path, for a readable message.
    private static List<string> Walk(List<string> component, Dictionary<string, List<string>> next)
    {
        var members = component.ToHashSet();
        var start = component.Min(StringComparer.Ordinal)!;
        var previous = new Dictionary<string, string>();
        var queue = new Queue<string>([start]);
        while (queue.Count > 0)
        {
            var node = queue.Dequeue();
            foreach (var to in (next.GetValueOrDefault(node) ?? []).Where(members.Contains))
            {
                if (to == start)
                {
                    var path = new List<string> { node };
                    while (path[^1] != start)
                        path.Add(previous[path[^1]]);
                    path.Reverse();
                    return path;
                }

                if (previous.TryAdd(to, node))
                    queue.Enqueue(to);
            }
        }

        return component;
    }

    private static string Short(string ns) => ns == "Agent.Runtime" ? "Agent.Runtime" : ns["Agent.Runtime.".Length..].Replace('.', '/');
}
