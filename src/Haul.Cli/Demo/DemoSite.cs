using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Net.Http.Headers;

namespace Haul.Cli.Demo;

/// <summary>
/// An embedded loopback web site of generated files for <c>haul demo</c>: some large, some that
/// drop the connection or answer 503 once, so a newcomer sees resume and retry without a server.
/// </summary>
internal sealed class DemoSite : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);

    private readonly Dictionary<string, DemoFile> _byPath;
    private readonly Dictionary<string, string> _pages;

    private DemoSite(WebApplication app, IReadOnlyList<DemoFile> files, DemoGallery gallery, Uri baseUri)
    {
        _app = app;
        Files = files;
        Gallery = gallery;
        BaseUri = baseUri;
        _byPath = files.Concat(gallery.Pictures).ToDictionary(file => file.Path, StringComparer.Ordinal);
        _pages = gallery.Pages;
    }

    /// <summary>The files of the download demo.</summary>
    public IReadOnlyList<DemoFile> Files { get; }

    /// <summary>The picture gallery the crawl demo walks.</summary>
    public DemoGallery Gallery { get; }

    public Uri BaseUri { get; }

    public static async Task<DemoSite> StartAsync(CancellationToken cancellationToken)
    {
        var files = Generate();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        DemoSite? site = null;
        app.Run(context => site!.ServeAsync(context));
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        site = new DemoSite(app, files, DemoGallery.Generate(), new Uri(address));
        return site;
    }

    private static List<DemoFile> Generate()
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

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (_pages.TryGetValue(path, out var html))
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            await context.Response.WriteAsync(html, context.RequestAborted);
            return;
        }

        if (!_byPath.TryGetValue(path, out var file))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var hit = _hits.AddOrUpdate(file.Path, 1, (_, count) => count + 1);
        if (hit == 1 && file.Fault == DemoFault.UnavailableOnce)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "1";
            return;
        }

        if (file.ContentType is { } contentType)
        {
            context.Response.ContentType = contentType;
        }

        var etag = new EntityTagHeaderValue($"\"{file.Sha256[..16]}\"");
        context.Response.Headers.ETag = etag.ToString();
        context.Response.Headers.AcceptRanges = "bytes";
        long start = 0;
        var range = context.Request.GetTypedHeaders().Range;
        var ifRange = context.Request.GetTypedHeaders().IfRange;
        if (range?.Ranges.Count == 1 && range.Ranges.First().From is { } from && from < file.Content.Length
            && (ifRange is null || ifRange.EntityTag?.Compare(etag, useStrongComparison: true) == true))
        {
            start = from;
            context.Response.StatusCode = StatusCodes.Status206PartialContent;
            context.Response.Headers.ContentRange = $"bytes {start}-{file.Content.Length - 1}/{file.Content.Length}";
        }

        context.Response.ContentLength = file.Content.Length - start;
        var end = hit == 1 && file.Fault == DemoFault.DropOnce
            ? (int)start + ((file.Content.Length - (int)start) / 2)
            : file.Content.Length;
        await WritePacedAsync(context, file.Content.AsMemory((int)start, end - (int)start));
        if (end < file.Content.Length)
        {
            context.Abort();
        }
    }

    // Paced like a real remote server (about 2 MiB/s per connection), so the live view has something to show.
    private static async Task WritePacedAsync(HttpContext context, ReadOnlyMemory<byte> body)
    {
        const int chunk = 64 * 1024;
        for (var offset = 0; offset < body.Length; offset += chunk)
        {
            await context.Response.Body.WriteAsync(body.Slice(offset, Math.Min(chunk, body.Length - offset)), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromMilliseconds(30), context.RequestAborted);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
