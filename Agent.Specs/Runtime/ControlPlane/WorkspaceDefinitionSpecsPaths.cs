namespace Agent.Specs.Runtime.ControlPlane;

/// <summary>Where the repository's example workspace files are, found from the spec binaries upwards.</summary>
internal static class WorkspaceDefinitionSpecsPaths
{
    public static string DemoWorkspace()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "examples", "demo-workspace.json");
            if (File.Exists(Path.Combine(directory.FullName, "Agent.sln")) && File.Exists(candidate))
                return candidate;
        }

        throw new FileNotFoundException("examples/demo-workspace.json not found above " + AppContext.BaseDirectory);
    }
}
