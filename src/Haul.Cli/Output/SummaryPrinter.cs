namespace Haul.Cli.Output;


/// <summary>The closing lines of a run: counts, bytes, average speed, and every failure with its kind.</summary>
internal static class SummaryPrinter
{
    /// <summary>Interrupted files named one per line up to this many; a Ctrl+C of -j 500 does not fill the screen.</summary>
    private const int MaxNamed = 20;

    public static async Task PrintAsync(TextWriter error, RunSummary summary, TimeSpan elapsed, string directory)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 0.001);
        var interrupted = summary.Interrupted > 0 ? $", {summary.Interrupted} interrupted (run the same command again to resume)" : string.Empty;
        await error.WriteLineAsync(
            $"haul: {summary.Succeeded} done, {summary.Skipped} skipped, {summary.Failures.Count} failed{interrupted}; " +
            $"{ByteFormat.Size(summary.Bytes)} in {elapsed.TotalSeconds:0.0} s ({ByteFormat.Speed(summary.Bytes / seconds)}).");
        foreach (var failure in summary.Failures)
        {
            await error.WriteLineAsync($"  {FailureLine.For(failure)}");
        }

        foreach (var (_, outcome) in summary.FailedActions)
        {
            await error.WriteLineAsync($"  {FailureLine.For(outcome)}");
        }

        foreach (var result in summary.InterruptedFiles.Take(MaxNamed))
        {
            var url = Haul.Events.UrlText.Masked(result.Url);
            var line = result.Path is { } path ? $"interrupted: {Path.GetFileName(path)} ({url})" : $"interrupted: {url}";
            await error.WriteLineAsync($"  {Actions.DisplayText.Safe(line)}");
        }

        if (summary.InterruptedFiles.Count > MaxNamed)
        {
            await error.WriteLineAsync($"  … and {summary.InterruptedFiles.Count - MaxNamed} more interrupted");
        }

        if (summary.Succeeded + summary.Skipped > 0)
        {
            await error.WriteLineAsync($"haul: files are in {Path.GetFullPath(directory)}");
        }
    }
}
