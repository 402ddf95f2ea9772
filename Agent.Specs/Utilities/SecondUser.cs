namespace Agent.Specs.Utilities;

/// <summary>
/// Another local user for the shared-host specs: made with <c>useradd</c> under a unique name (the specs run as root),
/// acting through <c>setpriv</c>, removed with <c>userdel -r</c> when the spec ends.
/// </summary>
public sealed class SecondUser : IAsyncDisposable, IDisposable
{
    private int _removed;

    private SecondUser(string name, uint id)
    {
        Name = name;
        Id = id;
    }

    public string Name { get; }

    public uint Id { get; }

    public static async Task<SecondUser> CreateAsync()
    {
        var name = "agspec" + Guid.NewGuid().ToString("N")[..10];
        var added = await ProcessRunner.RunAsync("useradd", ["--create-home", "--shell", "/bin/sh", "--user-group", name]);
        if (added.ExitCode != 0)
            throw new InvalidOperationException($"useradd {name} failed: {added.Error}");
        var id = await ProcessRunner.RunAsync("id", ["-u", name]);
        return new SecondUser(name, uint.Parse(id.Text.Trim(), System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Runs <paramref name="script"/> with <c>sh -c</c> as this user (its uid, gid and no other groups).</summary>
    public Task<ProcessRunner.Result> RunAsync(string script)
        => ProcessRunner.RunAsync("setpriv", ["--reuid", Name, "--regid", Name, "--init-groups", "--", "/bin/sh", "-c", script]);

    /// <summary>Runs <paramref name="script"/> as this user and asserts that it succeeded.</summary>
    public async Task RunCheckedAsync(string script)
    {
        var result = await RunAsync(script);
        Assert.True(result.ExitCode == 0, $"{script} as {Name}: {result.Error}");
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _removed, 1) == 0)
            await ProcessRunner.RunAsync("userdel", ["-r", Name]);
    }

    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
