using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>
/// The page's controls against the real <c>haul serve</c>: each click is checked with the daemon
/// itself, over its own JSON-RPC, not by what the page shows.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class BrowserPageControlsTests(BrowserFixture browser)
{
    private const string Secret = "controls-secret-91ae";
    private const string LargeName = "held.bin";

    [Fact]
    public async Task ServePage_RowAndGlobalControls_ReachTheDaemon()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        await using var daemon = await BrowserHaulDaemon.StartAsync(temp.Out, Secret);
        await using var files = await LoopbackServer.StartAsync();
        var trickle = new BrowserTrickle(files, "/files/held.bin", TestData.Bytes(4 * 1024 * 1024, seed: 31));
        var small = TestData.Bytes(64 * 1024, seed: 32);
        files.MapFile("/files/small.bin", small);
        await using var page = await BrowserPage.OpenAsync(browser.Browser, daemon.PageUri);
        await EnterSecretAsync(page);

        // Ctrl+Enter in the URL box adds.
        await page.Page.FocusAsync("#uris");
        await page.Page.Keyboard.TypeAsync(files.Url("/files/held.bin"));
        await page.Page.Keyboard.DownAsync("Control");
        await page.Page.Keyboard.PressAsync("Enter");
        await page.Page.Keyboard.UpAsync("Control");
        await page.UntilAsync("(name) => [...document.querySelectorAll('#active li.download')].some(li => li.querySelector('.name').textContent === name && li.querySelector('progress').value > 0)", LargeName);
        var gid = await page.RowGidAsync(LargeName);

        // Pause by keyboard: the row moves to the waiting list and focus follows it to its Resume button.
        await page.Page.FocusAsync($"li.download[data-gid=\"{gid}\"] button[data-role=\"toggle\"]");
        await page.Page.Keyboard.PressAsync("Enter");
        await page.UntilRowAsync(LargeName, "waiting", "paused");
        await page.UntilAsync("(gid) => document.activeElement.closest('li.download')?.dataset.gid === gid && document.activeElement.textContent === 'Resume'", gid);
        (await StatusAsync(daemon, gid)).ShouldBe("paused");

        await page.Page.ClickAsync("#resume-all");
        await page.UntilRowAsync(LargeName, "active", "active");
        await page.Page.ClickAsync("#pause-all");
        await page.UntilRowAsync(LargeName, "waiting", "paused");
        (await StatusAsync(daemon, gid)).ShouldBe("paused");

        // Remove, then remove the result from the list: the daemon forgets it.
        await page.ClickRowButtonAsync(LargeName, "remove");
        await page.UntilRowAsync(LargeName, "stopped", "removed");
        (await StatusAsync(daemon, gid)).ShouldBe("removed");
        await page.ClickRowButtonAsync(LargeName, "remove");
        await page.UntilAsync("(gid) => !document.querySelector(`li.download[data-gid=\"${gid}\"]`)", gid);
        (await BrowserRpc.CallAsync(daemon, Secret, "aria2.tellStopped", 0, 1000, new[] { "gid" })).EnumerateArray().ShouldBeEmpty();

        // The speed limit: a bad value is refused on the page and never sent; a good one reaches the daemon.
        await SetLimitAsync(page, "fast");
        await page.UntilAsync("() => document.getElementById('global-message').dataset.kind === 'error'");
        (await LimitAsync(daemon)).ShouldBe("0");
        await SetLimitAsync(page, "500K");
        await page.UntilAsync("() => document.getElementById('global-message').textContent === 'Speed limit set to 500K per second.'");
        (await LimitAsync(daemon)).ShouldBe("512000");

        // Clear finished purges the daemon's results.
        await page.Page.TypeAsync("#uris", files.Url("/files/small.bin"));
        await page.Page.ClickAsync("#add");
        await page.UntilRowAsync("small.bin", "stopped", "complete");
        TestData.FileSha256(Path.Combine(temp.Out, "small.bin")).ShouldBe(TestData.Sha256(small));
        await page.Page.ClickAsync("#purge");
        await page.UntilAsync("() => document.querySelectorAll('#stopped li.download').length === 0");
        (await BrowserRpc.CallAsync(daemon, Secret, "aria2.tellStopped", 0, 1000, new[] { "gid" })).EnumerateArray().ShouldBeEmpty();

        // The secret lives in the tab's session storage: a reload connects without asking again.
        await page.Page.ReloadAsync();
        await page.UntilAsync("() => document.getElementById('connection').textContent.startsWith('Connected')");
        (await page.EvalAsync<bool>("() => document.getElementById('secret-form').hidden")).ShouldBeTrue();
        (await page.EvalAsync<string>("() => document.getElementById('limit').value")).ShouldBe("512000");
        page.Problems.ShouldBeEmpty();
        trickle.Release();
    }

    private static async Task EnterSecretAsync(BrowserPage page)
    {
        await page.UntilAsync("() => !document.getElementById('secret-form').hidden && document.activeElement.id === 'secret'");
        await page.Page.Keyboard.TypeAsync(Secret);
        await page.Page.Keyboard.PressAsync("Enter");
        await page.UntilAsync("() => document.getElementById('connection').textContent.startsWith('Connected')");
    }

    private static async Task SetLimitAsync(BrowserPage page, string value)
    {
        await page.EvalAsync<bool>("(value) => { const field = document.getElementById('limit'); field.value = ''; field.focus(); return true; }", value);
        await page.Page.Keyboard.TypeAsync(value);
        await page.Page.Keyboard.PressAsync("Enter");
    }

    private static async Task<string> StatusAsync(IBrowserDaemon daemon, string gid) =>
        (await BrowserRpc.CallAsync(daemon, Secret, "aria2.tellStatus", gid, new[] { "status" })).GetProperty("status").GetString()!;

    private static async Task<string> LimitAsync(IBrowserDaemon daemon) =>
        (await BrowserRpc.CallAsync(daemon, Secret, "aria2.getGlobalOption")).GetProperty("max-overall-download-limit").GetString()!;
}
