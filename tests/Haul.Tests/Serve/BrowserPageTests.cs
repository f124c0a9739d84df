using System.Text.RegularExpressions;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>
/// haul serve's page in headless Chromium at a phone's width, driven as a person would: secret,
/// keyboard, buttons. It speaks aria2's JSON-RPC, so the same scenario runs against real aria2c.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class BrowserPageTests(BrowserFixture browser)
{
    private const string Secret = "page-secret-5f2c";

    // Long enough that it must wrap at 375 px; a name is attacker-controlled and must not widen the page.
    private const string SmallName = "a-rather-long-file-name-that-has-to-wrap-on-a-phone-screen-instead-of-scrolling-sideways.bin";
    private const string LargeName = "large.bin";

    // A 404 whose URL, once decoded, is markup: it must show as text and never become an element.
    private const string HostilePath = "/files/%3Cimg%20src%3Dx%20onerror%3Dwindow.pwned%3D1%3E.bin";

    [Fact]
    public async Task ServePage_HaulServe_AddsPausesAndResumesWithExactBytes()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        await using var daemon = await BrowserHaulDaemon.StartAsync(temp.Out, Secret);
        await RunScenarioAsync(daemon, "serve-page.png");
    }

    [Fact]
    public async Task ServePage_Aria2c_AddsPausesAndResumesWithExactBytes()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        await using var daemon = await BrowserAria2Daemon.StartAsync(temp.Out, Secret);
        await RunScenarioAsync(daemon, "serve-page-aria2c.png");
    }

    [Fact]
    public async Task ServePage_WebSocketRefused_FallsBackToHttpPolling()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        await using var daemon = await BrowserAria2Daemon.StartAsync(temp.Out, Secret, allowWebSocket: false);
        await using var files = await LoopbackServer.StartAsync();
        var body = TestData.Bytes(200 * 1024, seed: 21);
        files.MapFile("/files/over-http.bin", body);
        await using var page = await BrowserPage.OpenAsync(browser.Browser, daemon.PageUri);

        await EnterSecretAsync(page);
        await page.UntilAsync("() => document.getElementById('connection').textContent.startsWith('Connected (HTTP')");
        await page.Page.TypeAsync("#uris", files.Url("/files/over-http.bin"));
        await page.Page.ClickAsync("#add");

        await page.UntilRowAsync("over-http.bin", "stopped", "complete");
        TestData.FileSha256(Path.Combine(daemon.Directory, "over-http.bin")).ShouldBe(TestData.Sha256(body));
        page.Problems.ShouldBeEmpty();
    }

    private async Task RunScenarioAsync(IBrowserDaemon daemon, string screenshot)
    {
        await using var files = await LoopbackServer.StartAsync();
        var small = TestData.Bytes(300 * 1024, seed: 17);
        files.MapFile("/files/small.bin", small);
        var trickle = new BrowserTrickle(files, "/files/large.bin", TestData.Bytes(4 * 1024 * 1024, seed: 18));
        await using var page = await BrowserPage.OpenAsync(browser.Browser, daemon.PageUri);

        // The daemon has a secret: the first call is refused and the page asks, with focus in the field.
        await page.UntilAsync("() => !document.getElementById('secret-form').hidden && document.activeElement.id === 'secret'");
        await page.Page.Keyboard.TypeAsync("not-the-secret");
        await page.Page.Keyboard.PressAsync("Enter");
        await page.UntilAsync("() => document.getElementById('secret-message').textContent.includes('refused')");
        await EnterSecretAsync(page);
        await page.UntilAsync("() => document.getElementById('connection').textContent.startsWith('Connected (WebSocket')");
        (await page.EvalAsync<string>("() => sessionStorage.getItem('haul.rpc-secret')")).ShouldBe(Secret);

        // By keyboard alone: two URLs (one with its own out=), Tab through the options to Add, Enter.
        (await page.FocusedIdAsync()).ShouldBe("uris");
        await page.Page.Keyboard.TypeAsync($"{files.Url("/files/small.bin")} out={SmallName}");
        await page.Page.Keyboard.PressAsync("Enter");
        await page.Page.Keyboard.TypeAsync(files.Url(HostilePath));
        var tabOrder = new List<string>();
        for (var tab = 0; tab < 4; tab++)
        {
            await page.Page.Keyboard.PressAsync("Tab");
            tabOrder.Add(await page.FocusedIdAsync());
        }

        tabOrder.ShouldBe(["opt-dir", "opt-out", "opt-split", "add"]);
        (await page.EvalAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle")).ShouldNotBe("none", "focus must be visible");
        await page.Page.Keyboard.PressAsync("Enter");

        await page.UntilRowAsync(SmallName, "stopped", "complete");
        TestData.FileSha256(Path.Combine(daemon.Directory, SmallName)).ShouldBe(TestData.Sha256(small));
        (await page.TextAsync("#add-message")).ShouldBe("Added 2 downloads.");
        await page.UntilAsync("() => [...document.querySelectorAll('#stopped li.download')].some(li => li.dataset.status === 'error')");
        var errorText = await page.EvalAsync<string>("() => document.querySelector('#stopped li.download[data-status=error] .error').textContent");
        errorText.ShouldStartWith($"{daemon.NotFoundKind} (code 3): ");
        (await page.EvalAsync<bool>("() => document.querySelector('#lists img') === null && window.pwned === undefined")).ShouldBeTrue();

        // A large file that trickles: pause it on the page, the server sees the connection end;
        // resume it, the next request asks for the rest only.
        await page.Page.TypeAsync("#uris", $"{files.Url("/files/large.bin")} split=1");
        await page.Page.ClickAsync("#add");
        await page.UntilAsync($"(name) => {{ const li = [...document.querySelectorAll('#active li.download')].find(li => li.querySelector('.name').textContent === name); return !!li && li.querySelector('progress').value > 0; }}", LargeName);
        await page.ClickRowButtonAsync(LargeName, "toggle");
        await page.UntilRowAsync(LargeName, "waiting", "paused");
        await Eventually.TrueAsync(() => trickle.HungUp >= 1 && trickle.Open == 0, "the paused download's connection to end");
        var before = trickle.Requests.Count;
        (await page.RowTextAsync(LargeName, "[data-role=toggle]")).ShouldBe("Resume");

        await page.ClickRowButtonAsync(LargeName, "toggle");
        await ExplainedAsync(daemon, page, LargeName, Eventually.TrueAsync(() => trickle.Requests.Count > before, "the resumed download's request"));
        var resumed = trickle.Requests.Last();
        resumed.Range.ShouldNotBeNull("a resumed download asks for the rest only");
        var from = long.Parse(RangeStart().Match(resumed.Range).Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        from.ShouldBeGreaterThan(0);
        if (daemon.SendsIfRange)
        {
            resumed.IfRange.ShouldBe(BrowserTrickle.ETag);
        }

        trickle.Release();
        await page.UntilRowAsync(LargeName, "stopped", "complete");
        TestData.FileSha256(Path.Combine(daemon.Directory, LargeName)).ShouldBe(TestData.Sha256(trickle.Content));

        (await page.ScrollWidthAsync()).ShouldBeLessThanOrEqualTo(BrowserPage.PhoneWidth);
        await page.ScreenshotAsync(screenshot);
        page.Problems.ShouldBeEmpty();
    }

    /// <summary>A wait that, when it times out, says what the daemon and the page thought of the download.</summary>
    private static async Task ExplainedAsync(IBrowserDaemon daemon, BrowserPage page, string name, Task wait)
    {
        try
        {
            await wait;
        }
        catch (TimeoutException timeout)
        {
            var gid = await page.RowGidAsync(name);
            var status = await BrowserRpc.CallAsync(daemon, Secret, "aria2.tellStatus", gid);
            var row = await page.EvalAsync<string>("(gid) => document.querySelector(`li.download[data-gid=\"${gid}\"]`).innerText", gid);
            throw new TimeoutException($"{timeout.Message}\ndaemon: {status}\npage: {row}\n{daemon.Output}", timeout);
        }
    }

    private static async Task EnterSecretAsync(BrowserPage page)
    {
        await page.UntilAsync("() => !document.getElementById('secret-form').hidden");
        await page.EvalAsync<bool>("() => { const field = document.getElementById('secret'); field.value = ''; field.focus(); return true; }");
        await page.Page.Keyboard.TypeAsync(Secret);
        await page.Page.Keyboard.PressAsync("Enter");
        await page.UntilAsync("() => document.getElementById('secret-form').hidden");
    }

    [GeneratedRegex("^bytes=([0-9]+)-")]
    private static partial Regex RangeStart();
}
