using System.Text;
using Haul.Crawling;

namespace Haul.Tests.Crawling;

[Collection(AllocationCollection.Name)]
public sealed class PageLargeTests
{
    [Fact]
    public async Task ExtractAsync_TwentyThousandImages_ParsesAllInBoundedMemory()
    {
        const int count = 20_000;
        var html = new StringBuilder("<!doctype html><html><body>");
        for (var i = 0; i < count; i++)
        {
            html.Append(System.Globalization.CultureInfo.InvariantCulture,
                $"<figure><a href=\"/full/{i}.jpg\"><img src=\"/thumbs/{i}.jpg\" srcset=\"/thumbs/{i}.jpg 1x, /big/{i}.jpg 2x\" alt=\"Picture {i}\"></a></figure>\n");
        }

        html.Append("</body></html>");
        var bytes = Encoding.UTF8.GetBytes(html.ToString());
        using var stream = new MemoryStream(bytes);
        var before = GC.GetTotalAllocatedBytes(precise: true);

        var page = await PageExtractor.Default.ExtractAsync(stream, new Uri("https://big.test/"), "text/html; charset=utf-8", TestContext.Current.CancellationToken);

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
        page.Images.Length.ShouldBe(2 * count);
        page.Links.Length.ShouldBe(count);
        page.Images[^1].ShouldBe(new PageImage(new Uri($"https://big.test/big/{count - 1}.jpg"), $"Picture {count - 1}", null, ImageRuleName.ImgSrcset));

        // About 45 bytes per page byte today (DOM included). The counter is process-wide, so this test runs alone
        // (AllocationCollection); a quadratic walk or a copy per element would still blow far past the bound.
        var bound = 200L * bytes.Length;
        TestContext.Current.TestOutputHelper?.WriteLine($"page {bytes.Length:N0} bytes, allocated {allocated:N0} bytes");
        allocated.ShouldBeLessThan(bound);
    }
}
