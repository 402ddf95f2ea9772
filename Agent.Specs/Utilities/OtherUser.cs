using System.Globalization;

namespace Agent.Specs.Utilities;

/// <summary>
/// A second local user, made for one spec with <c>useradd</c> (the specs run as root) and removed with it: the
/// "other local user" of a shared host. <see cref="RunAsync"/> runs a program as that user (<c>runuser</c>).
/// </summary>
public sealed class OtherUser : IDisposable
{
    private OtherUser(string name, uint uid)
    {
        Name = name;
        Uid = uid;
    }

    public string Name { get; }

    public uint Uid { get; }

    public static async Task<OtherUser> CreateAsync()
    {
        var name = "agspec" + Guid.NewGuid().ToString("N")[..10];
        var added = await ProcessRunner.RunAsync("useradd", ["--no-create-home", "--shell", "/usr/sbin/nologin", name]);
        Assert.True(added.ExitCode == 0, $"useradd {name}: {added.Error}");
        var id = await ProcessRunner.RunAsync("id", ["-u", name]);
        return new OtherUser(name, uint.Parse(id.Text.Trim(), CultureInfo.InvariantCulture));
    }

    /// <summary>Runs <paramref name="program"/> as this user; asserts that it succeeded.</summary>
    public async Task RunAsync(string program, params string[] arguments)
    {
        var result = await ProcessRunner.RunAsync("runuser", ["-u", Name, "--", program, .. arguments]);
        Assert.True(result.ExitCode == 0, $"{program} as {Name}: {result.Error}");
    }

    public void Dispose()
    {
        var removed = ProcessRunner.RunAsync("userdel", [Name]).GetAwaiter().GetResult();
        Assert.True(removed.ExitCode == 0, $"userdel {Name}: {removed.Error}");
    }
}
