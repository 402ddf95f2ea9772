namespace Agent.Specs.Utilities;

/// <summary>A fresh directory that is deleted with the spec.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = Directory.CreateTempSubdirectory("agent-spec-").FullName;
    }

    public string Path { get; }

    public string Combine(params string[] parts) => System.IO.Path.Join([Path, .. parts]);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A process of the spec may still hold a file; the temp directory is cleaned by the OS later.
        }
    }
}
