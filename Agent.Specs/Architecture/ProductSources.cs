using System.Text.RegularExpressions;
using Agent.Specs.Integration;

namespace Agent.Specs.Architecture;

/// <summary>The C# sources of this checkout (by default the product's: Agent.Reactive, Agent.Runtime), without build output.</summary>
public static partial class ProductSources
{
    public static readonly string[] Projects = ["Agent.Reactive", "Agent.Runtime"];

    /// <summary>Each source file of <paramref name="projects"/> (default: the product's): its path from the checkout's root, its lines, and the namespace it declares.</summary>
    public static IEnumerable<(string Path, string[] Lines, string? Namespace)> Files(params string[] projects)
    {
        var root = AgentBinary.RepositoryRoot;
        foreach (var project in projects.Length == 0 ? Projects : projects)
        {
            var directory = Path.Join(root, project);
            foreach (var file in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                var relative = Path.GetRelativePath(root, file);
                if (relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj" or "node_modules"))
                    continue;
                var lines = File.ReadAllLines(file);
                var declared = lines.Select(line => FileScopedNamespace().Match(line)).FirstOrDefault(match => match.Success)?.Groups[1].Value;
                yield return (relative, lines, declared);
            }
        }
    }

    /// <summary>The namespace a file's folder stands for: <c>Agent.Runtime/Ssh/Wire/X.cs</c> is <c>Agent.Runtime.Ssh.Wire</c>.</summary>
    public static string FolderNamespace(string relativePath)
        => Path.GetDirectoryName(relativePath)!.Replace(Path.DirectorySeparatorChar, '.');

    /// <summary>The folders of Agent.Runtime as namespaces.</summary>
    public static IEnumerable<string> RuntimeFolders()
        => Directory.EnumerateDirectories(Path.Join(AgentBinary.RepositoryRoot, "Agent.Runtime"), "*", SearchOption.AllDirectories)
            .Select(directory => Path.GetRelativePath(AgentBinary.RepositoryRoot, directory))
            .Where(relative => !relative.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Select(relative => relative.Replace(Path.DirectorySeparatorChar, '.'));

    [GeneratedRegex(@"^namespace ([\w.]+);")]
    private static partial Regex FileScopedNamespace();
}
