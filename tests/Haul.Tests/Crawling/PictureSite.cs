using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

/// <summary>
/// A generated site on a loopback server with one case of each way a page shows a picture: linked
/// stylesheets, @import, &lt;style&gt;, style="", image-set(), lazy-loading attributes, &lt;noscript&gt;,
/// &lt;picture&gt;, img srcset, video poster, SVG image, icons.
/// </summary>
internal sealed class PictureSite : IAsyncDisposable
{
    private int _seed = 3000;

    private PictureSite(LoopbackServer server) => Server = server;

    public LoopbackServer Server { get; }

    /// <summary>Every picture, by path, with its bytes.</summary>
    public Dictionary<string, byte[]> Pictures { get; } = new(StringComparer.Ordinal);

    /// <summary>The pictures a browser loads without scripts, by path.</summary>
    public static IReadOnlyList<string> Visible { get; } =
    [
        "/img/hero.jpg", "/img/set-2x.jpg", "/img/lazy.jpg", "/img/lazyset-800.jpg", "/img/lazybg.jpg", "/img/lazybg-url.jpg",
        "/img/noscript.jpg", "/img/p-1280.webp", "/img/large.jpg", "/img/poster.jpg", "/img/svg.png", "/img/svg-xlink.png",
        "/img/body.png", "/css/bg/x.png", "/css/deep/m.png", "/css/i.jpg", "/img/page2.png",
    ];

    /// <summary>The other candidates of those pictures, which only --all-formats keeps.</summary>
    public static IReadOnlyList<string> OtherCandidates { get; } =
    [
        "/img/set-1x.jpg", "/img/lazyset-400.jpg", "/img/p.jpg", "/img/p-640.webp", "/img/small.jpg", "/img/p.avif",
    ];

    public static IReadOnlyList<string> Icons { get; } = ["/favicon.png", "/touch.png"];

    public static IReadOnlyList<string> Stylesheets { get; } = ["/css/site.css", "/css/deep/more.css", "/css/imported.css"];

    public static async Task<PictureSite> StartAsync()
    {
        var site = new PictureSite(await LoopbackServer.StartAsync());
        site.Build();
        return site;
    }

    public string HostFolder => $"127.0.0.1_{Server.BaseUri.Port}";

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    private void Build()
    {
        Html("/", """
            <!doctype html><html><head>
            <link rel="stylesheet" href="/css/site.css">
            <link rel="alternate stylesheet" href="/css/alternate.css" title="other">
            <link rel="icon" href="/favicon.png"><link rel="apple-touch-icon" href="/touch.png">
            <style>@import "/css/imported.css"; .hero { background: url(/img/hero.jpg) } /* url(/img/commented.jpg) */</style>
            </head><body>
            <div class="hero"></div>
            <div style="background-image: image-set('/img/set-1x.jpg' 1x, '/img/set-2x.jpg' 2x)"></div>
            <img class="lazyload" src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" data-src="/img/lazy.jpg" alt="Lazy">
            <img src="/img/placeholder.gif" data-srcset="/img/lazyset-400.jpg 400w, /img/lazyset-800.jpg 800w">
            <div data-bg="/img/lazybg.jpg"></div><div data-bg="url('/img/lazybg-url.jpg')"></div>
            <noscript><img src="/img/noscript.jpg"></noscript>
            <picture>
              <source type="image/x-unknown" srcset="/img/p.xyz">
              <source type="image/webp" srcset="/img/p-640.webp 640w, /img/p-1280.webp 1280w">
              <source type="image/avif" srcset="/img/p.avif">
              <img src="/img/p.jpg" alt="Picture">
            </picture>
            <img src="/img/small.jpg" srcset="/img/small.jpg 1x, /img/large.jpg 2x">
            <video poster="/img/poster.jpg"></video>
            <svg xmlns:xlink="http://www.w3.org/1999/xlink"><image href="/img/svg.png"/><image xlink:href="/img/svg-xlink.png"/></svg>
            <a href="/page2.html">two</a>
            </body></html>
            """);
        Html("/page2.html", """
            <html><head><link rel="stylesheet" href="/css/site.css"><link rel="stylesheet" href="css/site.css#again"></head>
            <body><img src="/img/page2.png"></body></html>
            """);
        Css("/css/site.css", """
            @charset "utf-8";
            @import url("deep/more.css");
            @font-face { font-family: "F"; src: url(/fonts/f.woff2) format("woff2"); }
            body { background: url(../img/body.png) }
            .x { background: url('bg/x.png') no-repeat; content: "url(/img/not-a-url.png)"; }
            """);
        Css("/css/deep/more.css", "@import '../site.css'; .m { background: url(m.png) }");
        Css("/css/imported.css", ".i { background-image: url(i.jpg) }");
        Css("/css/alternate.css", ".a { background-image: url(/img/alternate.jpg) }");

        foreach (var path in Visible.Concat(OtherCandidates).Concat(Icons).Append("/img/placeholder.gif"))
        {
            var type = Path.GetExtension(path) switch
            {
                ".jpg" => "image/jpeg",
                ".webp" => "image/webp",
                ".avif" => "image/avif",
                ".gif" => "image/gif",
                _ => "image/png",
            };
            var content = TestData.Bytes(1500 + (_seed % 7 * 100), _seed++);
            Pictures[path] = content;
            Server.Map(path, (context, _) =>
            {
                context.Response.ContentType = type;
                return Server.ServeAsync(context, content);
            });
        }
    }

    private void Html(string path, string html) => Server.Map(path, (context, _) =>
    {
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(html);
    });

    private void Css(string path, string css) => Server.Map(path, (context, _) =>
    {
        context.Response.ContentType = "text/css";
        return context.Response.WriteAsync(css);
    });
}
