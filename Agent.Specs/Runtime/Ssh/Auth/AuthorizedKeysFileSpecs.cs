using Agent.Runtime.Ssh.Auth;
using Agent.Runtime.Ssh.Keys;
using Agent.Specs.Runtime.Ssh.Keys;
using Agent.Specs.Utilities;

namespace Agent.Specs.Runtime.Ssh.Auth;

public class AuthorizedKeysFileSpecs
{
    private static readonly Ed25519HostKey First = Ed25519HostKey.Generate();
    private static readonly Ed25519HostKey Second = Ed25519HostKey.Generate();

    [Fact]
    public void Keys_UnchangedFile_IsReadOnceForManyAttempts()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("authorized_keys");
        File.WriteAllText(path, First.ToOpenSshPublicKey() + "\n");
        var file = new AuthorizedKeysFile(path, new RecordingLogger());

        for (var i = 0; i < 1000; i++)
            Assert.True(file.Keys().Single().Matches(First.PublicKeyBlob.Span));

        Assert.Equal(1, file.Loads);
    }

    [Fact]
    public void Keys_FileEditedInPlaceToTheSameSize_NewKeyCountsAtOnce()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("authorized_keys");
        File.WriteAllText(path, First.ToOpenSshPublicKey("same") + "\n");
        var file = new AuthorizedKeysFile(path, new RecordingLogger());
        Assert.True(file.Keys().Single().Matches(First.PublicKeyBlob.Span));

        using (var stream = new FileStream(path, FileMode.Open, FileAccess.Write))
            stream.Write(System.Text.Encoding.ASCII.GetBytes(Second.ToOpenSshPublicKey("same") + "\n"));

        Assert.True(file.Keys().Single().Matches(Second.PublicKeyBlob.Span));
        Assert.Equal(2, file.Loads);
    }

    [Fact]
    public void Keys_FileReplacedByRename_NewKeyCountsAtOnce()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("authorized_keys");
        File.WriteAllText(path, First.ToOpenSshPublicKey() + "\n");
        var file = new AuthorizedKeysFile(path, new RecordingLogger());
        Assert.Single(file.Keys());

        File.WriteAllText(dir.Combine("new"), First.ToOpenSshPublicKey() + "\n" + Second.ToOpenSshPublicKey() + "\n");
        File.Move(dir.Combine("new"), path, overwrite: true);

        Assert.Equal(2, file.Keys().Count);
    }

    [Fact]
    public void Keys_MissingFile_NoKeysAndOneWarningUntilItAppears()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("authorized_keys");
        var logger = new RecordingLogger();
        var file = new AuthorizedKeysFile(path, logger);

        for (var i = 0; i < 100; i++)
            Assert.Empty(file.Keys());
        File.WriteAllText(path, First.ToOpenSshPublicKey() + "\n");

        Assert.Single(file.Keys());
        Assert.Single(logger.Warnings);
    }

    [Fact]
    public void Keys_OversizedFile_NoKeysAndOneWarning()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("authorized_keys");
        File.WriteAllText(path, First.ToOpenSshPublicKey() + "\n" + new string('#', AuthorizedKeys.MaxFileBytes));
        var logger = new RecordingLogger();
        var file = new AuthorizedKeysFile(path, logger);

        for (var i = 0; i < 100; i++)
            Assert.Empty(file.Keys());

        Assert.Single(logger.Warnings, w => w.Contains("larger than", StringComparison.Ordinal));
    }

    [Fact]
    public void Keys_AFifo_NoKeysWithoutBlocking()
    {
        using var dir = new TempDirectory();
        var path = dir.Combine("authorized_keys");
        HostKeyStoreSpecs.Run("mkfifo", path);
        var logger = new RecordingLogger();

        Assert.Empty(new AuthorizedKeysFile(path, logger).Keys());
        Assert.Single(logger.Warnings, w => w.Contains("not a regular file", StringComparison.Ordinal));
    }
}
