namespace Haul.Tests.EndToEnd;

/// <summary>Runs the library end to end with test-friendly settings: short backoff, a generous idle timeout.</summary>
public static class DownloaderHarness
{
    public static DownloadOptions Options(string directory) => new()
    {
        Directory = directory,
        Retries = 3,
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
        IdleTimeout = TimeSpan.FromSeconds(30),
    };

    public static async Task<List<DownloadResult>> RunAsync(DownloadOptions options, params DownloadRequest[] requests)
    {
        using var downloader = new Downloader(options);
        var results = new List<DownloadResult>();
        await foreach (var result in downloader.DownloadAsync(requests.ToAsyncEnumerable(), TestContext.Current.CancellationToken))
        {
            results.Add(result);
        }

        return results;
    }

    public static async Task<DownloadResult> RunOneAsync(DownloadOptions options, DownloadRequest request) =>
        (await RunAsync(options, request)).ShouldHaveSingleItem();
}
