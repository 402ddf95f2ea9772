using Agent.Runtime.Hosting;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Hosting;

/// <summary>
/// How children run the agent again. The specs themselves run under the dotnet host, so <see cref="AgentLauncher"/>
/// sees the <c>dotnet agent.dll</c> case here.
/// </summary>
public sealed class AgentLauncherSpecs : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Resolve_UnderDotnet_ShellWordsAreHostAndDllAndTheExecutableAPrivateWrapperThatExecsThem()
    {
        var (executable, shellCommand) = AgentLauncher.Resolve(_directory.Path, out var problem);

        Assert.Null(problem);
        Assert.Equal(_directory.Combine(AgentLauncher.AskPassScriptName), executable);
        Assert.Equal(Environment.ProcessPath + " " + Path.Join(AppContext.BaseDirectory, "agent.dll"), shellCommand);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(executable));
        Assert.EndsWith($"\nexec {shellCommand} \"$@\"\n", File.ReadAllText(executable), StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_ALinkPlantedWhereTheWrapperGoes_IsReplacedAndItsTargetUntouched()
    {
        var victim = _directory.Combine("victim");
        File.WriteAllText(victim, "keep me");
        File.CreateSymbolicLink(_directory.Combine(AgentLauncher.AskPassScriptName), victim);

        var (executable, _) = AgentLauncher.Resolve(_directory.Path, out _);

        Assert.Equal("keep me", File.ReadAllText(victim));
        Assert.Null(new FileInfo(executable).LinkTarget);
        Assert.Equal([executable, victim], Directory.GetFiles(_directory.Path).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Resolve_DataDirectoryNotWritable_SaysSoAndFallsBackToTheAppHost()
    {
        var (executable, _) = AgentLauncher.Resolve(_directory.Combine("missing"), out var problem);

        Assert.Contains("cannot write the git askpass wrapper", problem, StringComparison.Ordinal);
        Assert.False(executable.EndsWith(AgentLauncher.AskPassScriptName, StringComparison.Ordinal));
    }
}
