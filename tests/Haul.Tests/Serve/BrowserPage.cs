using System.Collections.Concurrent;
using PuppeteerSharp;

namespace Haul.Tests.Serve;

/// <summary>
/// One tab on the serve page, at a phone's width, with the questions the tests ask of its DOM.
/// Every wait is on a DOM condition with a generous deadline; nothing sleeps.
/// </summary>
public sealed class BrowserPage : IAsyncDisposable
{
    public const int PhoneWidth = 375;

    // A row of one of the lists, found by the name it shows.
    private const string FindRow = "(name) => [...document.querySelectorAll('li.download')].find(li => li.querySelector('.name').textContent === name)";

    private static readonly WaitForFunctionOptions Wait = new() { Timeout = 90_000, PollingInterval = 50 };

    private BrowserPage(IPage page) => Page = page;

    public IPage Page { get; }

    /// <summary>Uncaught script errors and Content-Security-Policy refusals the page caused.</summary>
    public ConcurrentQueue<string> Problems { get; } = new();

    /// <summary>What the browser said and fetched, printed with the test's output to explain a failure.</summary>
    public ConcurrentQueue<string> Log { get; } = new();

    public static async Task<BrowserPage> OpenAsync(IBrowser browser, Uri uri)
    {
        var page = new BrowserPage(await browser.NewPageAsync());
        page.Page.DefaultTimeout = 90_000;
        page.Page.PageError += (_, e) => page.Problems.Enqueue($"page error: {e.Message}");
        page.Page.Console += (_, e) =>
        {
            page.Log.Enqueue($"console {e.Message.Type}: {e.Message.Text}");
            if (e.Message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
            {
                page.Problems.Enqueue($"console: {e.Message.Text}");
            }
        };
        page.Page.Response += (_, e) => page.Log.Enqueue($"{e.Response.Request.Method} {e.Response.Url} -> {(int)e.Response.Status}");
        page.Page.RequestFailed += (_, e) => page.Log.Enqueue($"{e.Request.Method} {e.Request.Url} failed: {e.Request.FailureText}");
        await page.Page.SetViewportAsync(new ViewPortOptions { Width = PhoneWidth, Height = 812 });
        await page.Page.GoToAsync(uri.AbsoluteUri);
        return page;
    }

    public Task<T> EvalAsync<T>(string function, params object[] args) => Page.EvaluateFunctionAsync<T>(function, args);

    public Task UntilAsync(string function, params object[] args) => Page.WaitForFunctionAsync(function, Wait, args);

    public Task<string> FocusedIdAsync() => EvalAsync<string>("() => document.activeElement ? document.activeElement.id : ''");

    public Task<string> TextAsync(string selector) => EvalAsync<string>("(s) => document.querySelector(s).textContent", selector);

    /// <summary>Waits until the row showing <paramref name="name"/> is in <paramref name="list"/> with <paramref name="status"/>.</summary>
    public Task UntilRowAsync(string name, string list, string status) =>
        UntilAsync($"(name, list, status) => {{ const li = ({FindRow})(name); return !!li && li.parentElement.id === list && li.dataset.status === status; }}", name, list, status);

    public Task<string> RowGidAsync(string name) => EvalAsync<string>($"(name) => ({FindRow})(name).dataset.gid", name);

    public Task<string> RowTextAsync(string name, string part) =>
        EvalAsync<string>($"(name, part) => ({FindRow})(name).querySelector(part).textContent", name, part);

    /// <summary>Clicks the row's Pause/Resume (<c>toggle</c>) or Remove (<c>remove</c>) button.</summary>
    public async Task ClickRowButtonAsync(string name, string role)
    {
        var gid = await RowGidAsync(name);
        await Page.ClickAsync($"li.download[data-gid=\"{gid}\"] button[data-role=\"{role}\"]");
    }

    public Task<int> ScrollWidthAsync() => EvalAsync<int>("() => document.scrollingElement.scrollWidth");

    /// <summary>Saves a full-page screenshot under <c>HAUL_TEST_ARTIFACTS</c> (else the test output's TestResults) and attaches it to the test.</summary>
    public async Task<string> ScreenshotAsync(string fileName)
    {
        var folder = Environment.GetEnvironmentVariable("HAUL_TEST_ARTIFACTS") is { Length: > 0 } configured
            ? configured
            : Path.Combine(AppContext.BaseDirectory, "TestResults");
        Directory.CreateDirectory(folder);
        var path = Path.Combine(folder, fileName);
        await Page.ScreenshotAsync(path, new ScreenshotOptions { FullPage = true });
        TestContext.Current.AddAttachment(fileName, await File.ReadAllBytesAsync(path), "image/png");
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshot: {path}");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        if (TestContext.Current.TestOutputHelper is { } output)
        {
            foreach (var line in Log)
            {
                output.WriteLine(line);
            }
        }

        await Page.CloseAsync();
    }
}
