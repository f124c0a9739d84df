using System.Collections.Frozen;

namespace Haul.Cli.Serve;

/// <summary>
/// The web page's files, embedded in the tool (<c>Serve/Web/**</c>): nothing is read from disk, so
/// no request path can reach a file outside them.
/// </summary>
internal static class WebAssets
{
    private const string Prefix = "web/";

    /// <summary>Sent with every page file: no framing by other sites, no type sniffing, nothing loaded from elsewhere.</summary>
    public static readonly (string, string)[] SecurityHeaders =
    [
        ("X-Content-Type-Options", "nosniff"),
        ("X-Frame-Options", "DENY"),
        ("Referrer-Policy", "no-referrer"),
        ("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"),
    ];

    private static readonly FrozenDictionary<string, Asset> Assets = Load();

    /// <summary>The file for a request path (<c>/</c> is <c>index.html</c>), or null.</summary>
    public static Asset? Find(string path)
    {
        var name = path == "/" ? "index.html" : Uri.UnescapeDataString(path.TrimStart('/'));
        return Assets.GetValueOrDefault(name);
    }

    private static FrozenDictionary<string, Asset> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var assets = new Dictionary<string, Asset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames().Where(name => name.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var name = resource[Prefix.Length..].Replace('\\', '/');
            assets[name] = new Asset(ContentType(name), copy.ToArray());
        }

        return assets.ToFrozenDictionary(StringComparer.Ordinal);
    }

    private static string ContentType(string name) => Path.GetExtension(name).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".json" => "application/json",
        ".webmanifest" => "application/manifest+json",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".ico" => "image/x-icon",
        ".woff2" => "font/woff2",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    internal sealed record Asset(string ContentType, byte[] Bytes);
}
