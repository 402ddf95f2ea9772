using Agent.Runtime.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Agent.Runtime.ControlPlane;

/// <summary>
/// The web terminal at <c>/terminal?agent=main&amp;token=…</c> (or <c>/terminal?agent=main&amp;slot=2</c> with the
/// dashboard's sign-in): xterm.js and its fit addon, bundled into the binary at build time (no CDN), and a small
/// script that opens <c>/pty</c> on the same origin. Served with the pages' headers (<see cref="PageHeaders"/>).
/// </summary>
internal static class TerminalPage
{
    private static readonly (string Path, string Resource, string ContentType)[] Files =
    [
        ("/terminal", "terminal/index.html", "text/html; charset=utf-8"),
        ("/terminal/terminal.js", "terminal/terminal.js", "text/javascript; charset=utf-8"),
        ("/terminal/terminal.css", "terminal/terminal.css", "text/css; charset=utf-8"),
        ("/terminal/xterm.js", "terminal/xterm.js", "text/javascript; charset=utf-8"),
        ("/terminal/xterm.css", "terminal/xterm.css", "text/css; charset=utf-8"),
        ("/terminal/addon-fit.js", "terminal/addon-fit.js", "text/javascript; charset=utf-8"),
    ];

    public static void Map(IEndpointRouteBuilder routes)
    {
        foreach (var (path, resource, contentType) in Files)
            routes.MapGet(path, context => EmbeddedFile.WriteAsync(context, resource, contentType, PageHeaders.TerminalPolicy));
    }
}
