namespace Agent.Specs.Integration.PortProxy;

/// <summary>curl's cookie jar (Netscape format; HttpOnly cookies are written as <c>#HttpOnly_domain</c>).</summary>
public sealed record CookieJar(string Path)
{
    public IReadOnlyList<(string Domain, string Name, string Value, bool HttpOnly)> Cookies()
        => !File.Exists(Path)
            ? []
            : File.ReadAllLines(Path)
                .Where(line => line.Length > 0 && (!line.StartsWith('#') || line.StartsWith("#HttpOnly_", StringComparison.Ordinal)))
                .Select(line => line.Split('\t'))
                .Where(fields => fields.Length == 7)
                .Select(fields => (Domain: fields[0].Replace("#HttpOnly_", string.Empty, StringComparison.Ordinal), Name: fields[5], Value: fields[6], HttpOnly: fields[0].StartsWith("#HttpOnly_", StringComparison.Ordinal)))
                .ToList();

    public string Value(string domain, string name) => Cookies().Single(cookie => cookie.Domain == domain && cookie.Name == name).Value;
}
