using Haul.Tests.Docs;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Serve;

/// <summary>
/// The page's files from the source tree (<c>src/Haul.Cli/Serve/Web</c>), served under a strict
/// Content-Security-Policy, so an inline script or style in the page would be refused by the browser.
/// </summary>
public static class BrowserPageFiles
{
    public const string Policy = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'";

    private static readonly Dictionary<string, string> ContentTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
    };

    public static string Folder { get; } = Path.Combine(RepositoryFiles.Root, "src", "Haul.Cli", "Serve", "Web");

    /// <summary>Maps <c>/</c> and each of the page's files on <paramref name="server"/>.</summary>
    public static void MapOn(LoopbackServer server)
    {
        server.Map("/", (context, _) => ServeAsync(context, "/"));
        foreach (var file in Directory.EnumerateFiles(Folder))
        {
            var path = "/" + Path.GetFileName(file);
            server.Map(path, (context, _) => ServeAsync(context, path));
        }
    }

    /// <summary>Only the page's own files, by exact name: nothing else of the source tree is reachable.</summary>
    public static async Task ServeAsync(HttpContext context, string path)
    {
        var name = path == "/" ? "index.html" : path.TrimStart('/');
        var file = Directory.EnumerateFiles(Folder).FirstOrDefault(candidate => Path.GetFileName(candidate) == name);
        if (file is null || !ContentTypes.TryGetValue(Path.GetExtension(file), out var type))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = type;
        context.Response.Headers.ContentSecurityPolicy = Policy;
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.SendFileAsync(file);
    }
}
