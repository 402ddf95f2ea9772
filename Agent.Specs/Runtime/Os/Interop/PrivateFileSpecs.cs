using Agent.Runtime.Os.Interop;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Os.Interop;

public sealed class PrivateFileSpecs
{
    private const UnixFileMode Mode0644 = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public void OpenForWrite_OwnFile_EmptiedAndMadePrivate()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("log");
        File.WriteAllText(path, "old content");
        File.SetUnixFileMode(path, Mode0644);

        using (var file = new FileStream(PrivateFile.OpenForWrite(path, append: false, out var replaced), FileAccess.Write))
        {
            Assert.Null(replaced);
            file.Write("new"u8);
        }

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Equal(PrivateFile.OwnerReadWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public async Task OpenForWrite_HardLinkToAnotherFile_ReplacedAndTheOtherUntouched()
    {
        using var directory = new TempDirectory();
        var other = directory.Combine("other");
        File.WriteAllText(other, "precious");
        File.SetUnixFileMode(other, Mode0644);
        var path = directory.Combine("log");
        Assert.Equal(0, (await ProcessRunner.RunAsync("ln", [other, path])).ExitCode);

        using (var file = new FileStream(PrivateFile.OpenForWrite(path, append: true, out var replaced), FileAccess.Write))
        {
            Assert.Equal("a file with 2 hard links", replaced);
            file.Write("mine"u8);
        }

        Assert.Equal("precious", File.ReadAllText(other));
        Assert.Equal(Mode0644, File.GetUnixFileMode(other));
        Assert.Equal("mine", File.ReadAllText(path));
    }

    [Fact]
    public async Task OpenForWrite_Fifo_ReplacedWithoutWaitingForAReader()
    {
        using var directory = new TempDirectory();
        var path = directory.Combine("log");
        Assert.Equal(0, (await ProcessRunner.RunAsync("mkfifo", [path])).ExitCode);

        using (PrivateFile.OpenForWrite(path, append: false, out var replaced))
            Assert.Equal("a FIFO or socket", replaced);

        Assert.Equal("regular empty file\n", (await ProcessRunner.RunAsync("stat", ["-c", "%F", path])).Text);
        Assert.Equal(PrivateFile.OwnerReadWrite, File.GetUnixFileMode(path));
    }

    [Fact]
    public void OpenForWrite_Directory_FailsSayingWhy()
    {
        using var directory = new TempDirectory();
        Directory.CreateDirectory(directory.Combine("log"));

        var failure = Assert.Throws<IOException>(() => PrivateFile.OpenForWrite(directory.Combine("log"), append: false, out _));

        Assert.Contains("is a directory and cannot be removed", failure.Message, StringComparison.Ordinal);
    }
}
