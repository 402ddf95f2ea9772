using System.Reflection;
using Agent.Reactive;

namespace Agent.Specs.Reactive;

/// <summary>The pipelines of the reactive core return what they produce, events included, instead of pushing into observers.</summary>
public sealed class PipelineShapeSpecs
{
    [Fact]
    public void PublicMethods_OutsideSubscribeAndTheProcessPort_TakeNoObserver()
    {
        var offenders = typeof(WorkspaceAgent).Assembly.GetExportedTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly)
                .Where(method => !IsSubscribe(method) && !IsProcessPort(type, method))
                .Where(method => method.GetParameters().Any(parameter => IsObserver(parameter.ParameterType)))
                .Select(method => $"{type.FullName}.{method.Name}"))
            .ToList();

        Assert.True(offenders.Count == 0, "these take an IObserver instead of returning their output: " + string.Join(", ", offenders));
    }

    // IObservable<T>.Subscribe takes its observer by definition.
    private static bool IsSubscribe(MethodInfo method)
        => method.Name == nameof(IObservable<int>.Subscribe) && method.DeclaringType!.GetInterfaces().Any(IsObservable);

    // An effect port implemented by Agent.Runtime: the process pushes its lines as they come.
    private static bool IsProcessPort(Type type, MethodInfo method)
        => type == typeof(Agent.Reactive.Effects.IProcessLauncher) && method.Name == nameof(Agent.Reactive.Effects.IProcessLauncher.RunAsync);

    private static bool IsObserver(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IObserver<>);

    private static bool IsObservable(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IObservable<>);
}
