using System.Diagnostics;
using System.Text;
using Agent.Runtime.Sshd.Forwarding;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Sshd.Forwarding;

public sealed class XauthorityFileSpecs : IDisposable
{
    private readonly TempDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Put_NewFile_XauthListsTheEntryAndTheFileIsPrivate()
    {
        var path = _directory.Combine("Xauthority");

        XauthorityFile.Put(path, Entry("workspace", "10", 0xab));

        Assert.Equal(["workspace/unix:10  MIT-MAGIC-COOKIE-1  " + string.Concat(Enumerable.Repeat("ab", 16))], XauthList(path));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        Assert.False(File.Exists(path + "-c"));
    }

    [Fact]
    public void Put_SameDisplayAgain_ReplacesItAndKeepsTheOthers()
    {
        var path = _directory.Combine("Xauthority");
        XauthorityFile.Put(path, Entry("workspace", "10", 0x01));
        XauthorityFile.Put(path, Entry("workspace", "11", 0x02));

        XauthorityFile.Put(path, Entry("workspace", "10", 0x03));

        var entries = XauthorityEntry.ParseAll(File.ReadAllBytes(path));
        Assert.Equal(["11", "10"], entries.Select(e => e.Number));
        Assert.Equal(0x03, entries[1].Data[0]);
        Assert.Equal(2, XauthList(path).Length);
    }

    [Fact]
    public void Put_EntriesWrittenByXauth_AreKept()
    {
        var path = _directory.Combine("Xauthority");
        Run("xauth", "-f", path, "add", "otherhost/unix:3", "MIT-MAGIC-COOKIE-1", "00112233445566778899aabbccddeeff");

        XauthorityFile.Put(path, Entry("workspace", "10", 0x7f));

        var listed = XauthList(path);
        Assert.Contains("otherhost/unix:3  MIT-MAGIC-COOKIE-1  00112233445566778899aabbccddeeff", listed);
        Assert.Equal(2, listed.Length);
    }

    [Fact]
    public void Put_FreshLockOfAnotherWriter_ThrowsAndLeavesTheFile()
    {
        var path = _directory.Combine("Xauthority");
        XauthorityFile.Put(path, Entry("workspace", "10", 0x01));
        File.WriteAllText(path + "-c", string.Empty);

        Assert.ThrowsAny<IOException>(() => XauthorityFile.Put(path, Entry("workspace", "11", 0x02)));
        Assert.Single(XauthorityEntry.ParseAll(File.ReadAllBytes(path)));
    }

    [Fact]
    public void Put_StaleLock_IsBroken()
    {
        var path = _directory.Combine("Xauthority");
        File.WriteAllText(path + "-c", string.Empty);
        File.SetLastWriteTimeUtc(path + "-c", DateTime.UtcNow - XauthorityFile.StaleLock - TimeSpan.FromSeconds(5));

        XauthorityFile.Put(path, Entry("workspace", "10", 0x01));

        Assert.Single(XauthList(path));
    }

    [Fact]
    public void ParseAll_TruncatedTail_KeepsTheCompleteEntries()
    {
        using var stream = new MemoryStream();
        Entry("a", "1", 1).WriteTo(stream);
        Entry("b", "2", 2).WriteTo(stream);
        var bytes = stream.ToArray();

        var entries = XauthorityEntry.ParseAll(bytes.AsSpan(0, bytes.Length - 3));

        Assert.Equal(["1"], entries.Select(e => e.Number));
    }

    private static XauthorityEntry Entry(string host, string display, byte fill)
        => new(XauthorityEntry.FamilyLocal, Encoding.ASCII.GetBytes(host), display, "MIT-MAGIC-COOKIE-1", Enumerable.Repeat(fill, 16).ToArray());

    private static string[] XauthList(string path)
        => Run("xauth", "-f", path, "list").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private static string Run(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, process.StandardError.ReadToEnd());
        return output;
    }
}
