using Haul.Events;

namespace Haul.Tests.Events;

public sealed class EventHubTests
{
    [Fact]
    public void ForRun_RecordEvent_KeepersSeeItDownloaderSubscribersDoNot()
    {
        var downloader = new EventHub(TimeProvider.System, logger: null, metrics: null);
        var subscribers = new List<DownloadEvent>();
        downloader.Raised += (_, e) => subscribers.Add(e);
        var keeper = new Keeper();
        var run = downloader.ForRun(keeper);

        run.Raise(new TransferPlanned(1, "http://h/a.bin", run.Now, "/out/a.bin"));
        run.Raise(new DownloadQueued(1, "http://h/a.bin", run.Now));

        keeper.Seen.Select(e => e.GetType()).ShouldBe([typeof(TransferPlanned), typeof(DownloadQueued)]);
        subscribers.ShouldHaveSingleItem().ShouldBeOfType<DownloadQueued>();
    }

    [Fact]
    public void ForRun_PublicEvent_KeepersRecordBeforeSubscribersHearOfIt()
    {
        var downloader = new EventHub(TimeProvider.System, logger: null, metrics: null);
        var keeper = new Keeper();
        var keeperCountWhenHeard = -1;
        downloader.Raised += (_, _) => keeperCountWhenHeard = keeper.Seen.Count;
        var run = downloader.ForRun(keeper);

        run.Raise(new DownloadQueued(1, "http://h/a.bin", run.Now));

        keeperCountWhenHeard.ShouldBe(1);
    }

    [Fact]
    public void ForRun_Ids_SharedWithTheDownloadersOtherRuns()
    {
        var downloader = new EventHub(TimeProvider.System, logger: null, metrics: null);
        var first = downloader.ForRun(new Keeper());
        var second = downloader.ForRun(new Keeper());

        new[] { first.NextId(), second.NextId(), downloader.NextId() }.ShouldBe([1L, 2L, 3L]);
    }

    [Fact]
    public void ForRun_KeeperThrows_TheRaiserSeesIt()
    {
        // Losing a record is the stage's failure, as a failed write to its own file would be.
        var run = new EventHub(TimeProvider.System, logger: null, metrics: null).ForRun(new ThrowingKeeper());

        Should.Throw<IOException>(() => run.Raise(new TransferPlanned(1, "http://h/a.bin", run.Now, "/out/a.bin")));
    }

    private sealed class Keeper : IRunObserver
    {
        public List<DownloadEvent> Seen { get; } = [];

        public void Observe(DownloadEvent downloadEvent) => Seen.Add(downloadEvent);
    }

    private sealed class ThrowingKeeper : IRunObserver
    {
        public void Observe(DownloadEvent downloadEvent) => throw new IOException("disk gone");
    }
}
