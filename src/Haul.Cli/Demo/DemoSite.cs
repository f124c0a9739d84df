using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Haul.Cli.Demo;

/// <summary>
/// An embedded loopback web site of generated files for <c>haul demo</c>: some large, some that
/// drop the connection or answer 503 once, so a newcomer sees resume and retry without a server.
/// </summary>
internal sealed class DemoSite : IAsyncDisposable
{
    /// <summary>Every file has the same date, so a resume may send it in If-Range as well as the ETag.</summary>
    private const string LastModified = "Tue, 24 Nov 2026 12:00:00 GMT";

    private DemoServer? _server;
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    private readonly Dictionary<string, DemoFile> _byPath;
    private readonly Dictionary<string, string> _pages;

    private DemoSite(IReadOnlyList<DemoFile> files, DemoGallery gallery)
    {
        Files = files;
        Gallery = gallery;
        _byPath = files.Concat(gallery.Pictures).ToDictionary(file => file.Path, StringComparer.Ordinal);
        _pages = gallery.Pages;
    }

    /// <summary>The files of the download demo.</summary>
    public IReadOnlyList<DemoFile> Files { get; }

    /// <summary>The picture gallery the crawl demo walks.</summary>
    public DemoGallery Gallery { get; }

    public Uri BaseUri => _server!.BaseUri;

    public static Task<DemoSite> StartAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var site = new DemoSite(GenerateFiles(), DemoGallery.Generate());
        site._server = DemoServer.Start(site.Respond);
        return Task.FromResult(site);
    }

    /// <summary>The download demo's files, the same on every run.</summary>
    internal static List<DemoFile> GenerateFiles()
    {
        // Deterministic content, so the same demo always has the same checksums.
        var random = new Random(20261124);
        var files = new List<DemoFile>();
        for (var i = 1; i <= 40; i++)
        {
            var size = i % 10 == 0 ? 8 * 1024 * 1024 : random.Next(8 * 1024, 768 * 1024);
            var fault = (i % 13) switch
            {
                3 => DemoFault.DropOnce,
                7 => DemoFault.UnavailableOnce,
                _ => DemoFault.None,
            };
            var extension = i % 10 == 0 ? "bin" : "jpg";
            var content = new byte[size];
            random.NextBytes(content);
            files.Add(new DemoFile($"/files/picture-{i:000}.{extension}", content, fault, Convert.ToHexStringLower(SHA256.HashData(content))));
        }

        return files;
    }

    private DemoResponse Respond(DemoRequest request)
    {
        if (request.Method is not ("GET" or "HEAD"))
        {
            return DemoResponse.Empty(405).With("Allow", "GET, HEAD");
        }

        if (_pages.TryGetValue(request.Path, out var text))
        {
            return DemoResponse.Text(text, request.Path.EndsWith(".txt", StringComparison.Ordinal) ? "text/plain; charset=utf-8" : "text/html; charset=utf-8");
        }

        if (!_byPath.TryGetValue(request.Path, out var file))
        {
            return DemoResponse.Empty(404);
        }

        var hit = _hits.AddOrUpdate(file.Path, 1, (_, count) => count + 1);
        if (hit == 1 && file.Fault == DemoFault.UnavailableOnce)
        {
            return DemoResponse.Empty(503).With("Retry-After", "1");
        }

        var etag = $"\"{file.Sha256[..16]}\"";
        var length = file.Content.Length;
        var ifRange = request.Header("If-Range");
        var range = ifRange is null || ifRange == etag || ifRange == LastModified
            ? DemoRange.Resolve(request.Header("Range"), length, out var start, out var end)
            : DemoRange.Resolve(null, length, out start, out end);
        if (range == DemoRange.Outcome.Unsatisfiable)
        {
            return DemoResponse.Empty(416).With("Content-Range", $"bytes */{length}");
        }

        var body = file.Content.AsMemory((int)start, (int)(end - start + 1));
        var response = new DemoResponse(range == DemoRange.Outcome.Part ? 206 : 200, body)
        {
            SendBytes = hit == 1 && file.Fault == DemoFault.DropOnce ? body.Length / 2 : body.Length,
            Paced = true,
        };
        if (file.ContentType is { } contentType)
        {
            response.With("Content-Type", contentType);
        }

        if (range == DemoRange.Outcome.Part)
        {
            response.With("Content-Range", $"bytes {start}-{end}/{length}");
        }

        return response.With("ETag", etag).With("Last-Modified", LastModified).With("Accept-Ranges", "bytes");
    }

    public ValueTask DisposeAsync() => _server?.DisposeAsync() ?? ValueTask.CompletedTask;
}
