
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Git;

/// <summary>Real git repositories for the specs, made with the git command and no user or system configuration.</summary>
public static class GitRemote
{
    /// <summary>What git needs to ignore the machine's configuration (credential helpers, URL rewrites, identities).</summary>
    public static readonly IReadOnlyDictionary<string, string> Isolated = new Dictionary<string, string>
    {
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_CONFIG_NOSYSTEM"] = "1",
    };

    /// <summary>
    /// Makes a bare repository <paramref name="bare"/> whose one commit has a <c>README</c> holding
    /// <paramref name="readme"/>, ready for the dumb HTTP protocol too (<c>update-server-info</c>).
    /// </summary>
    public static async Task CreateBareAsync(string bare, string readme)
    {
        var work = bare + ".work";
        Directory.CreateDirectory(work);
        await File.WriteAllTextAsync(Path.Join(work, "README"), readme);
        await GitAsync("-C", work, "init", "-q", "-b", "main");
        await GitAsync("-C", work, "add", "README");
        await GitAsync("-C", work, "-c", "user.name=spec", "-c", "user.email=spec@example.com", "commit", "-q", "-m", "first");
        await GitAsync("clone", "-q", "--bare", work, bare);
        await GitAsync("-C", bare, "update-server-info");
    }

    private static async Task GitAsync(params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("git", arguments, environment: new Dictionary<string, string>(Isolated));
        Assert.True(result.ExitCode == 0, $"git {string.Join(' ', arguments)}: {result.Error}");
    }
}
