namespace Agent.Specs.Utilities.Leftovers;

/// <summary>
/// Runs after every other spec (<see cref="LeftoverCheckFramework"/>): no agent, sshd, ssh, curl, browser or shell that a
/// spec started is still running. Whatever is names the spec's failure and is killed.
/// </summary>
public sealed class NoProcessLeftBehindSpecs
{
    [Fact]
    public async Task TestRun_EverySpecFinished_NoProcessItStartedIsRunning()
    {
        var leftovers = await LeftoverProcesses.WaitForNoneAsync();

        LeftoverProcesses.Kill(leftovers);
        Assert.True(leftovers.Count == 0, $"{leftovers.Count} processes of this run outlived the specs that started them (now killed):\n{string.Join('\n', leftovers)}");
    }
}
