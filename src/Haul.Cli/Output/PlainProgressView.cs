using Haul.Progress;

namespace Haul.Cli.Output;

/// <summary>Periodic one-line progress reports, for logs and pipes.</summary>
internal sealed class PlainProgressView(Func<DownloadProgress> snapshot, TextWriter error, TimeProvider timeProvider, TimeSpan interval) : IProgressView
{
    public async Task ShowWhileAsync(Task work)
    {
        var line = new ProgressLine();
        using var timer = new PeriodicTimer(interval, timeProvider);
        while (await Task.WhenAny(work, timer.WaitForNextTickAsync().AsTask()) != work)
        {
            var progress = snapshot();
            line.Update(progress);
            await error.WriteLineAsync(
                $"haul: {line.Files} ({progress.Succeeded} ok, {progress.Skipped} skipped, {progress.Failed} failed), " +
                $"{line.Bytes}, {line.Speed}, {progress.Active.Count} active, {line.Eta}");
        }

        await work;
    }
}
