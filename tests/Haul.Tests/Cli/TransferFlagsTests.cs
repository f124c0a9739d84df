using System.CommandLine;
using Haul.Cli.Commands;

namespace Haul.Tests.Cli;

/// <summary>The shared flag groups through the real parser: what each spelling sets in the options.</summary>
public sealed class TransferFlagsTests
{
    [Theory]
    [InlineData("-t 1", 0)]
    [InlineData("--tries 3", 2)]
    [InlineData("-t 0", TransferFlags.UnlimitedRetries)]
    [InlineData("-t 101", 100)]
    [InlineData("", 7)]
    public void Apply_Tries_TotalTriesBecomeRetries(string line, int retries)
    {
        var options = Apply(line, new DownloadOptions { Retries = 7 });

        options.Retries.ShouldBe(retries);
    }

    [Fact]
    public void Apply_RetryWaitRedirectSizeOverwrite_SetTheirOptions()
    {
        var options = Apply("--retry-wait 2.5 --max-redirect 3 --max-filesize 1.5M --allow-overwrite -c");

        options.RetryBaseDelay.ShouldBe(TimeSpan.FromSeconds(2.5));
        options.RetryMaxDelay.ShouldBe(TimeSpan.FromSeconds(60));
        options.MaxRedirects.ShouldBe(3);
        options.MaxFileSize.ShouldBe(1536L * 1024);
        options.AllowOverwrite.ShouldBeTrue();
    }

    [Fact]
    public void Apply_RetryWaitPastTheLongestBackoff_RaisesIt()
    {
        var options = Apply("--retry-wait 120");

        options.RetryBaseDelay.ShouldBe(TimeSpan.FromMinutes(2));
        options.RetryMaxDelay.ShouldBe(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public void Apply_Defaults_AsTheLibrary()
    {
        var options = Apply(string.Empty);
        var library = new DownloadOptions();

        (options.MaxRedirects, options.RetryBaseDelay, options.MaxFileSize, options.AllowOverwrite, options.RateLimit, options.PerFileRateLimit)
            .ShouldBe((library.MaxRedirects, library.RetryBaseDelay, library.MaxFileSize, library.AllowOverwrite, library.RateLimit, library.PerFileRateLimit));
    }

    [Theory]
    [InlineData("--limit-rate 0", null, null)]
    [InlineData("--max-overall-download-limit 1MB", 1048576L, null)]
    [InlineData("--limit-rate 500K --max-download-limit 200KiB", 512_000L, 204_800L)]
    [InlineData("--max-download-limit 0", null, null)]
    public void Apply_Rates_RunWideAndPerTransfer(string line, long? runWide, long? perTransfer)
    {
        var options = Apply(line);

        options.RateLimit.ShouldBe(runWide);
        options.PerFileRateLimit.ShouldBe(perTransfer);
    }

    private static DownloadOptions Apply(string line, DownloadOptions? start = null)
    {
        var transfer = new TransferFlags();
        var speed = new SpeedFlags();
        var command = new RootCommand();
        transfer.AddTo(command);
        speed.AddTo(command);
        var parsed = command.Parse(line);
        parsed.Errors.ShouldBeEmpty();
        return transfer.Apply(parsed, speed.Apply(parsed, start ?? new DownloadOptions()));
    }
}
