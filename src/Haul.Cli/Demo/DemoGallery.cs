using System.Security.Cryptography;
using System.Text;

namespace Haul.Cli.Demo;

/// <summary>
/// A small generated picture site for the crawl demo: two gallery pages of thumbnails, each linking
/// to its full-size picture, a robots.txt that keeps the crawler out of a private corner.
/// </summary>
internal sealed class DemoGallery
{
    private const int PicturesPerPage = 6;

    private DemoGallery(List<DemoFile> pictures, Dictionary<string, string> pages)
    {
        Pictures = pictures;
        Pages = pages;
    }

    public IReadOnlyList<DemoFile> Pictures { get; }

    /// <summary>HTML and robots.txt by path.</summary>
    public Dictionary<string, string> Pages { get; }

    public const string StartPath = "/gallery/";

    public static DemoGallery Generate()
    {
        var random = new Random(4242);
        var pictures = new List<DemoFile>();
        var pages = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/robots.txt"] = "User-agent: *\nDisallow: /gallery/private/\n",
        };

        for (var page = 1; page <= 2; page++)
        {
            var html = new StringBuilder("<!doctype html><html><head><title>Haul demo gallery</title></head><body>\n");
            for (var i = 1; i <= PicturesPerPage; i++)
            {
                var number = ((page - 1) * PicturesPerPage) + i;
                pictures.Add(Picture($"/gallery/thumbs/{number:00}.jpg", random.Next(4 * 1024, 12 * 1024), random));
                pictures.Add(Picture($"/gallery/full/{number:00}.jpg", random.Next(200 * 1024, 900 * 1024), random));
                html.Append(System.Globalization.CultureInfo.InvariantCulture,
                    $"<a href=\"full/{number:00}.jpg\"><img src=\"thumbs/{number:00}.jpg\" alt=\"Picture {number}\"></a>\n");
            }

            var other = page == 1 ? "page-2.html" : "./";
            html.Append(System.Globalization.CultureInfo.InvariantCulture, $"<a href=\"{other}\">more</a> <a href=\"private/\">private</a></body></html>\n");
            pages[page == 1 ? StartPath : "/gallery/page-2.html"] = html.ToString();
        }

        pages["/gallery/private/"] = "<html><body><img src=\"secret.jpg\"></body></html>";
        return new DemoGallery(pictures, pages);
    }

    private static DemoFile Picture(string path, int size, Random random)
    {
        var content = new byte[size];
        random.NextBytes(content);
        return new DemoFile(path, content, DemoFault.None, Convert.ToHexStringLower(SHA256.HashData(content))) { ContentType = "image/jpeg" };
    }
}
