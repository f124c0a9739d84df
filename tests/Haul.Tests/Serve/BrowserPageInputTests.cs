using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>
/// How the page reads its "Add downloads" box, run in the page itself (no daemon behind it): one
/// aria2.addUri per URL, options after the URL or on indented lines, a refused line named by number.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserPageInputTests(BrowserFixture browser)
{
    private const string Parse = "(text, globals) => JSON.stringify(HaulText.parseInput(text, globals))";

    [Fact]
    public async Task ParseInput_UrlsWithOptions_OneDownloadPerUrlWithLineOptionsOverGlobals()
    {
        await using var server = await StartAsync();
        await using var page = await BrowserPage.OpenAsync(browser.Browser, server.BaseUri);
        var text = "# a comment\n\nhttp://a.test/x.bin out=y.bin dir=sub\n  split=2\n  header=X-A:1 header=X-B:2\nhttps://b.test/z\n";

        var parsed = await page.EvalAsync<string>(Parse, text, new { dir = "g", @out = " ", split = "" });

        parsed.ShouldBe(
            """{"downloads":[{"uri":"http://a.test/x.bin","line":3,"options":{"dir":"sub","out":"y.bin","split":"2","header":["X-A:1","X-B:2"]}},"""
            + """{"uri":"https://b.test/z","line":6,"options":{"dir":"g"}}],"errors":[]}""");
    }

    [Theory]
    [InlineData("not-a-url", "Line 1: \\\"not-a-url\\\" is not an http, https or ftp URL.")]
    [InlineData("javascript:alert(1)", "Line 1: \\\"javascript:alert(1)\\\" is not an http, https or ftp URL.")]
    [InlineData("http://a.test/\nhttp://b.test/ loose", "Line 2: \\\"loose\\\" is not an option of the form key=value.")]
    public async Task ParseInput_BadLine_IsRefusedByLineNumber(string text, string error)
    {
        await using var server = await StartAsync();
        await using var page = await BrowserPage.OpenAsync(browser.Browser, server.BaseUri);

        var parsed = await page.EvalAsync<string>(Parse, text, new { });

        parsed.ShouldEndWith($"\"errors\":[\"{error}\"]}}");
    }

    [Fact]
    public async Task ParseInput_FileNameFieldWithTwoUrls_IsRefused()
    {
        await using var server = await StartAsync();
        await using var page = await BrowserPage.OpenAsync(browser.Browser, server.BaseUri);

        var parsed = await page.EvalAsync<string>(Parse, "http://a.test/1\nhttp://a.test/2", new { @out = "one.bin", split = "0" });

        parsed.ShouldContain("Connections per file must be a whole number of 1 or more.");
        parsed.ShouldContain("The file name field applies to one URL only");
    }

    [Fact]
    public async Task AddForm_BadLine_ShowsTheErrorAndSendsNothing()
    {
        await using var server = await StartAsync();
        var calls = new System.Collections.Concurrent.ConcurrentQueue<string>();
        server.Map("/jsonrpc", async (context, _) =>
        {
            using var reader = new StreamReader(context.Request.Body);
            calls.Enqueue(await reader.ReadToEndAsync());
            context.Response.StatusCode = 404;
        });
        await using var page = await BrowserPage.OpenAsync(browser.Browser, server.BaseUri);

        await page.Page.TypeAsync("#uris", "http://a.test/ok\nfile:///etc/passwd");
        await page.Page.ClickAsync("#add");

        await page.UntilAsync("() => document.getElementById('add-message').textContent.startsWith('Line 2:')");
        (await page.EvalAsync<string>("() => document.getElementById('add-message').dataset.kind")).ShouldBe("error");
        (await page.EvalAsync<string>("() => document.getElementById('uris').value")).ShouldBe("http://a.test/ok\nfile:///etc/passwd");
        calls.ShouldNotContain(call => call.Contains("aria2.addUri", StringComparison.Ordinal));
        page.Problems.ShouldBeEmpty();
    }

    /// <summary>The page's files and no daemon: /jsonrpc answers 404, and the page says it is offline.</summary>
    private static async Task<LoopbackServer> StartAsync()
    {
        var server = await LoopbackServer.StartAsync();
        BrowserPageFiles.MapOn(server);
        return server;
    }
}
