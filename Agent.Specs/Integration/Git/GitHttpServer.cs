using System.Collections.Concurrent;
using System.Text;
using Agent.Specs.Utilities;

namespace Agent.Specs.Integration.Git;

/// <summary>
/// A git remote over HTTP as git's "dumb" protocol reads it: the files of bare repositories under a root folder,
/// behind Basic authentication (401 with <c>WWW-Authenticate</c> until a request carries <see cref="User"/> and
/// <see cref="Password"/>). Keeps every credential it was sent. One request per connection.
/// </summary>
public sealed class GitHttpServer : IAsyncDisposable
{
    private readonly string _root;
    private readonly ConcurrentQueue<string> _credentials = new();
    private readonly RecordingHttpServer _server;

    public GitHttpServer(string root, string user, string password)
    {
        _root = Path.GetFullPath(root) + Path.DirectorySeparatorChar;
        User = user;
        Password = password;
        _server = new RecordingHttpServer(Respond);
    }

    public Uri Url => _server.Url;

    public string User { get; }

    public string Password { get; }

    /// <summary>Every <c>user:password</c> sent in an <c>Authorization: Basic</c> header, in order.</summary>
    public IReadOnlyCollection<string> Credentials => _credentials;

    public ValueTask DisposeAsync() => _server.DisposeAsync();

    private byte[] Respond(string head)
    {
        var lines = head.Split("\r\n");
        var target = lines[0].Split(' ') is [_, var path, ..] ? path : "/";
        var authorization = lines.FirstOrDefault(line => line.StartsWith("Authorization: Basic ", StringComparison.OrdinalIgnoreCase));
        var credentials = authorization is null ? null : Encoding.UTF8.GetString(Convert.FromBase64String(authorization["Authorization: Basic ".Length..].Trim()));
        if (credentials is not null)
            _credentials.Enqueue(credentials);
        var (status, body) = credentials == $"{User}:{Password}" ? Serve(target) : ("401 Unauthorized", "authentication required\n"u8.ToArray());
        var extra = status.StartsWith("401", StringComparison.Ordinal) ? "WWW-Authenticate: Basic realm=\"spec\"\r\n" : string.Empty;
        var response = $"HTTP/1.1 {status}\r\n{extra}Content-Type: application/octet-stream\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
        return [.. Encoding.Latin1.GetBytes(response), .. body];
    }

    private (string Status, byte[] Body) Serve(string target)
    {
        var path = Uri.UnescapeDataString(target.Split('?')[0]).TrimStart('/');
        var full = Path.GetFullPath(Path.Join(_root, path));
        return full.StartsWith(_root, StringComparison.Ordinal) && File.Exists(full)
            ? ("200 OK", File.ReadAllBytes(full))
            : ("404 Not Found", "not found\n"u8.ToArray());
    }
}
