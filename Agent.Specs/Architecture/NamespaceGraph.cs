using Mono.Cecil;

namespace Agent.Specs.Architecture;

/// <summary>
/// Which namespace of the product uses which, read from the compiled assemblies' metadata and IL: base types,
/// interfaces, fields, properties, signatures, attributes, locals and every type, method or field an instruction
/// names. Nested and compiler-generated types (lambdas, async state machines) count for their outermost type.
/// </summary>
public sealed class NamespaceGraph
{
    private readonly Dictionary<(string From, string To), string> _edges = new();
    private readonly HashSet<string> _namespaces = new(StringComparer.Ordinal);

    private NamespaceGraph()
    {
    }

    /// <summary>Every namespace that declares a type.</summary>
    public IReadOnlyCollection<string> Namespaces => _namespaces;

    /// <summary>Each edge between two different namespaces, with one use that makes it (<c>Type → Type</c>).</summary>
    public IReadOnlyDictionary<(string From, string To), string> Edges => _edges;

    /// <summary>The graph of the assemblies at <paramref name="paths"/>; only namespaces starting with <paramref name="prefix"/> count.</summary>
    public static NamespaceGraph Read(IEnumerable<string> paths, string prefix)
    {
        var graph = new NamespaceGraph();
        foreach (var path in paths)
        {
            using var module = ModuleDefinition.ReadModule(path);
            foreach (var type in module.Types)
                graph.Visit(type, type, prefix);
        }

        return graph;
    }

    /// <summary>This graph with one more edge: for showing that the rules catch what they should.</summary>
    public NamespaceGraph With(string from, string to, string example)
    {
        var copy = new NamespaceGraph();
        copy._namespaces.UnionWith(_namespaces);
        foreach (var (edge, use) in _edges)
            copy._edges[edge] = use;
        copy._namespaces.Add(from);
        copy._namespaces.Add(to);
        copy._edges[(from, to)] = example;
        return copy;
    }

    private static TypeDefinition Outermost(TypeDefinition type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }

    private static TypeReference Outermost(TypeReference type)
    {
        while (type.DeclaringType is not null)
            type = type.DeclaringType;
        return type;
    }

    private void Visit(TypeDefinition type, TypeDefinition owner, string prefix)
    {
        var from = Outermost(owner).Namespace;
        if (!from.StartsWith(prefix, StringComparison.Ordinal))
            return;
        _namespaces.Add(from);
        var source = Outermost(owner).Name;
        void Use(TypeReference? used) => AddType(from, source, used, prefix);
        void UseMethod(MethodReference method)
        {
            Use(method.DeclaringType);
            Use(method.ReturnType);
            foreach (var parameter in method.Parameters)
                Use(parameter.ParameterType);
            if (method is GenericInstanceMethod generic)
            {
                foreach (var argument in generic.GenericArguments)
                    Use(argument);
            }
        }

        void UseAttributes(ICustomAttributeProvider provider)
        {
            foreach (var attribute in provider.CustomAttributes)
                UseMethod(attribute.Constructor);
        }

        Use(type.BaseType);
        UseAttributes(type);
        foreach (var implemented in type.Interfaces)
            Use(implemented.InterfaceType);
        foreach (var field in type.Fields)
        {
            Use(field.FieldType);
            UseAttributes(field);
        }

        foreach (var property in type.Properties)
        {
            Use(property.PropertyType);
            UseAttributes(property);
        }

        foreach (var @event in type.Events)
            Use(@event.EventType);
        foreach (var method in type.Methods)
        {
            UseMethod(method);
            UseAttributes(method);
            if (!method.HasBody)
                continue;
            foreach (var variable in method.Body.Variables)
                Use(variable.VariableType);
            foreach (var instruction in method.Body.Instructions)
            {
                switch (instruction.Operand)
                {
                    case TypeReference operand:
                        Use(operand);
                        break;
                    case MethodReference operand:
                        UseMethod(operand);
                        break;
                    case FieldReference operand:
                        Use(operand.DeclaringType);
                        Use(operand.FieldType);
                        break;
                }
            }
        }

        foreach (var nested in type.NestedTypes)
            Visit(nested, owner, prefix);
    }

    private void AddType(string from, string source, TypeReference? used, string prefix)
    {
        switch (used)
        {
            case null:
                return;
            case GenericInstanceType generic:
                AddType(from, source, generic.ElementType, prefix);
                foreach (var argument in generic.GenericArguments)
                    AddType(from, source, argument, prefix);
                return;
            case TypeSpecification specification:
                AddType(from, source, specification.ElementType, prefix);
                return;
            case GenericParameter:
                return;
        }

        var target = Outermost(used);
        var to = target.Namespace;
        if (to == from || !to.StartsWith(prefix, StringComparison.Ordinal))
            return;
        _edges.TryAdd((from, to), $"{source} → {target.Name}");
    }
}
