using System.Reflection;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Agent.Specs.Utilities.Leftovers;

/// <summary>
/// xunit's own framework, with one change: <see cref="NoProcessLeftBehindSpecs"/> runs after every other spec of the run has
/// finished (whatever the parallelism), so it sees every process the run left behind, reports them as its failure (the
/// run fails and counts it), and kills them. When a filtered run leaves that spec out, the leftovers are still killed
/// and named in a diagnostic message.
/// </summary>
public sealed class LeftoverCheckFramework(IMessageSink messageSink) : XunitTestFramework(messageSink)
{
    /// <summary>The name this framework is registered under (<c>[assembly: TestFramework]</c>).</summary>
    public const string TypeName = "Agent.Specs.Utilities.Leftovers.LeftoverCheckFramework";

    protected override ITestFrameworkExecutor CreateExecutor(AssemblyName assemblyName)
    {
        // The run is marked before any spec starts a process.
        _ = SpecRun.Id;
        return new Executor(assemblyName, SourceInformationProvider, DiagnosticMessageSink);
    }

    private sealed class Executor(AssemblyName assemblyName, ISourceInformationProvider sourceInformationProvider, IMessageSink diagnosticMessageSink)
        : XunitTestFrameworkExecutor(assemblyName, sourceInformationProvider, diagnosticMessageSink)
    {
        protected override async void RunTestCases(IEnumerable<IXunitTestCase> testCases, IMessageSink executionMessageSink, ITestFrameworkExecutionOptions executionOptions)
        {
            using var runner = new LastCheckAssemblyRunner(TestAssembly, testCases, DiagnosticMessageSink, executionMessageSink, executionOptions);
            await runner.RunAsync();
        }
    }

    private sealed class LastCheckAssemblyRunner(
        ITestAssembly testAssembly,
        IEnumerable<IXunitTestCase> testCases,
        IMessageSink diagnosticMessageSink,
        IMessageSink executionMessageSink,
        ITestFrameworkExecutionOptions executionOptions)
        : XunitTestAssemblyRunner(testAssembly, testCases, diagnosticMessageSink, executionMessageSink, executionOptions)
    {
        protected override async Task<RunSummary> RunTestCollectionsAsync(IMessageBus messageBus, CancellationTokenSource cancellationTokenSource)
        {
            var check = TestCases.Where(IsTheCheck).ToList();
            TestCases = TestCases.Where(testCase => !IsTheCheck(testCase)).ToList();
            var summary = await base.RunTestCollectionsAsync(messageBus, cancellationTokenSource);
            if (check.Count > 0)
            {
                summary.Aggregate(await RunTestCollectionAsync(messageBus, check[0].TestMethod.TestClass.TestCollection, check, cancellationTokenSource));
                return summary;
            }

            var leftovers = await LeftoverProcesses.WaitForNoneAsync();
            if (leftovers.Count > 0)
            {
                LeftoverProcesses.Kill(leftovers);
                DiagnosticMessageSink.OnMessage(new DiagnosticMessage($"Processes left behind by this run (killed now): {string.Join("; ", leftovers)}"));
            }

            return summary;
        }

        private static bool IsTheCheck(IXunitTestCase testCase)
            => testCase.TestMethod.TestClass.Class.Name == typeof(NoProcessLeftBehindSpecs).FullName;
    }
}
