using Haul.Cli.Output;
using Haul.Progress;
using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.Cli;

public sealed class ProgressLineTests
{
    private const long MiB = 1024 * 1024;

    [Fact]
    public void Update_ManySmallFilesThenOneLarge_EtaComesFromBytesLeft()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var tracker = new ProgressTracker(clock);
        var line = new ProgressLine();
        for (var i = 0; i < 11; i++)
        {
            tracker.Queued();
        }

        tracker.SourceCompleted();
        for (var i = 0; i < 10; i++)
        {
            tracker.AddBytes(1024);
            tracker.Finished(new DownloadResult { Request = new($"http://x/{i}"), Status = DownloadStatus.Ok, Bytes = 1024 });
        }

        var (_, large) = tracker.Start("http://x/large", "large.bin");
        large.SetPosition(0, 20 * MiB);
        line.Update(tracker.Snapshot());

        // Ten files a second would say the last one is done at once; 18 MiB at 1 MiB/s is 18 s.
        for (var second = 1; second <= 2; second++)
        {
            clock.Advance(TimeSpan.FromSeconds(1));
            large.Advance(MiB);
            tracker.AddBytes(MiB);
            line.Update(tracker.Snapshot());
        }

        line.Eta.ShouldBe("ETA 0:18");
        tracker.Snapshot().ExpectedBytesRemaining.ShouldBe(18 * MiB);
    }

    [Fact]
    public void Update_FilesNotStartedYet_CountAtTheMeanSizeOfSavedFiles()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 29, 12, 0, 0, TimeSpan.Zero));
        var tracker = new ProgressTracker(clock);
        var line = new ProgressLine();
        for (var i = 0; i < 4; i++)
        {
            tracker.Queued();
        }

        tracker.SourceCompleted();
        line.Update(tracker.Snapshot());
        line.Eta.ShouldBe("ETA -");

        clock.Advance(TimeSpan.FromSeconds(2));
        tracker.AddBytes(4 * MiB);
        tracker.Finished(new DownloadResult { Request = new("http://x/1"), Status = DownloadStatus.Ok, Bytes = 4 * MiB });
        line.Update(tracker.Snapshot());

        // Three files left, 4 MiB each by the one saved, at 2 MiB/s: 6 s.
        tracker.Snapshot().ExpectedBytesRemaining.ShouldBe(12 * MiB);
        line.Eta.ShouldBe("ETA 0:06");
    }

    [Fact]
    public void Update_SourceStillBeingRead_NoEta()
    {
        var clock = new FakeTimeProvider();
        var tracker = new ProgressTracker(clock);
        var line = new ProgressLine();
        tracker.Queued();
        var (_, transfer) = tracker.Start("http://x/a", "a.bin");
        transfer.SetPosition(0, 10 * MiB);
        line.Update(tracker.Snapshot());
        clock.Advance(TimeSpan.FromSeconds(1));
        transfer.Advance(MiB);
        tracker.AddBytes(MiB);
        line.Update(tracker.Snapshot());

        tracker.Snapshot().ExpectedBytesRemaining.ShouldBeNull();
        line.Eta.ShouldBe("ETA -");
    }
}
