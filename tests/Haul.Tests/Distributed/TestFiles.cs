using Haul.Tests.EndToEnd;

namespace Haul.Tests.Distributed;

/// <summary>A set of files on a loopback server, each URL with its expected SHA-256.</summary>
public sealed class TestFiles
{
    private TestFiles(Dictionary<string, string> sha256ByUrl) => Sha256ByUrl = sha256ByUrl;

    public Dictionary<string, string> Sha256ByUrl { get; }

    public IEnumerable<string> Urls => Sha256ByUrl.Keys;

    /// <param name="server">Where to serve them.</param>
    /// <param name="count">How many.</param>
    /// <param name="before">Runs before each response (to pace it, or hold it).</param>
    public static TestFiles Serve(LoopbackServer server, int count, Func<Microsoft.AspNetCore.Http.HttpContext, Task>? before = null)
    {
        var random = new Random(4711);
        var sha256ByUrl = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var content = TestData.Bytes(random.Next(1, 48) * 1024 + random.Next(0, 1024), seed: 9000 + i);
            var path = $"/files/{i:0000}.bin";
            server.Map(path, async (context, _) =>
            {
                if (before is not null)
                {
                    await before(context);
                }

                await server.ServeAsync(context, content, $"\"f{path.GetHashCode(StringComparison.Ordinal)}\"");
            });
            sha256ByUrl[server.Url(path)] = TestData.Sha256(content);
        }

        return new TestFiles(sha256ByUrl);
    }

    public async Task<string> WriteListAsync(string folder)
    {
        var path = Path.Combine(folder, "urls.txt");
        await File.WriteAllLinesAsync(path, Urls);
        return path;
    }

    /// <summary>Every URL has exactly one ok result, and the file at its path holds the exact bytes.</summary>
    public void ShouldMatch(IReadOnlyList<System.Text.Json.JsonElement> results)
    {
        var byUrl = results.GroupBy(result => result.GetProperty("url").GetString()!).ToList();
        byUrl.Where(group => group.Count() > 1).Select(group => group.Key).ShouldBeEmpty("URLs with more than one result");
        byUrl.Select(group => group.Key).Order(StringComparer.Ordinal).ShouldBe(Urls.Order(StringComparer.Ordinal));
        foreach (var group in byUrl)
        {
            var result = group.Single();
            result.GetProperty("status").GetString().ShouldBe("ok", result.ToString());
            var path = result.GetProperty("path").GetString()!;
            TestData.FileSha256(path).ShouldBe(Sha256ByUrl[group.Key], group.Key);
            result.GetProperty("sha256").GetString().ShouldBe(Sha256ByUrl[group.Key], group.Key);
        }
    }
}
