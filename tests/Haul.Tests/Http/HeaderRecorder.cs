using System.Collections.Concurrent;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Http;

/// <summary>Serves files on a <see cref="LoopbackServer"/> and keeps the headers of each request, by path.</summary>
public sealed class HeaderRecorder(LoopbackServer server)
{
    public ConcurrentDictionary<string, ConcurrentQueue<IHeaderDictionary>> Seen { get; } = new(StringComparer.Ordinal);

    public void MapFile(string path, byte[] content, Action<HttpContext>? before = null) =>
        server.Map(path, (context, _) =>
        {
            Record(path, context);
            before?.Invoke(context);
            return server.ServeAsync(context, content);
        });

    public void MapRedirect(string path, string location) =>
        server.Map(path, (context, _) =>
        {
            Record(path, context);
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = location;
            return Task.CompletedTask;
        });

    public void MapPage(string path, string html) =>
        server.Map(path, async (context, _) =>
        {
            Record(path, context);
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(html);
        });

    /// <summary>The one value of <paramref name="header"/> in each request to <paramref name="path"/> (null where it was absent).</summary>
    public string?[] Values(string path, string header) =>
        Seen.TryGetValue(path, out var requests)
            ? [.. requests.Select(headers => headers.TryGetValue(header, out var value) ? value.ToString() : null)]
            : [];

    private void Record(string path, HttpContext context)
    {
        var copy = new HeaderDictionary();
        foreach (var (name, value) in context.Request.Headers)
        {
            copy[name] = value;
        }

        Seen.GetOrAdd(path, _ => new ConcurrentQueue<IHeaderDictionary>()).Enqueue(copy);
    }
}
