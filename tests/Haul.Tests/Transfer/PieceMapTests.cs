using Haul.Storage;
using Haul.Transfer;

namespace Haul.Tests.Transfer;

public sealed class PieceMapTests
{
    private const long MiB = 1024 * 1024;

    [Theory]
    [InlineData(16 * MiB, 16, 16)]
    [InlineData(16 * MiB, 4, 4)]
    [InlineData((3 * MiB) + 5, 16, 3)]
    [InlineData(MiB, 8, 1)]
    public void Plan_CoversTheFileInOrderWithoutGaps(long length, int connections, int pieces)
    {
        var map = PieceMap.Plan(length, connections, MiB, MiB);

        var records = map.Snapshot();
        records.Count.ShouldBe(pieces);
        records[0].Start.ShouldBe(0);
        records[^1].End.ShouldBe(length);
        records.Zip(records.Skip(1)).ShouldAllBe(pair => pair.First.End == pair.Second.Start);
        records.ShouldAllBe(record => record.Written == record.Start && record.End - record.Start >= MiB);
        map.Frontier.ShouldBe(0);
    }

    [Fact]
    public void Take_HandsOutFreePiecesThenStealsTheBackHalfOfTheLargest()
    {
        var map = PieceMap.Plan(8 * MiB, 2, MiB, MiB);
        var first = map.Take()!;
        var second = map.Take()!;
        map.Advance(first, (int)(4 * MiB));
        map.Advance(second, (int)MiB);

        var stolen = map.Take().ShouldNotBeNull();

        // The second piece has 3 MiB to go: the steal takes its last 1.5 MiB.
        stolen.Start.ShouldBe((6 * MiB) + (MiB / 2));
        stolen.End.ShouldBe(8 * MiB);
        map.Remaining(second).ShouldBe(MiB + (MiB / 2));
        map.Snapshot().Select(record => (record.Start, record.Written, record.End)).ShouldBe(
        [
            (0, 4 * MiB, 4 * MiB),
            (4 * MiB, 5 * MiB, (6 * MiB) + (MiB / 2)),
            ((6 * MiB) + (MiB / 2), (6 * MiB) + (MiB / 2), 8 * MiB),
        ]);
        map.Frontier.ShouldBe(5 * MiB);
    }

    [Fact]
    public void Take_NothingWorthSplitting_ReturnsNull()
    {
        var map = PieceMap.Plan(4 * MiB, 2, MiB, MiB);
        var first = map.Take()!;
        var second = map.Take()!;
        map.Advance(first, (int)(2 * MiB));
        map.Advance(second, (int)(MiB + 1));

        map.Take().ShouldBeNull();
        map.IsComplete.ShouldBeFalse();
        map.Advance(second, (int)(MiB - 1)).ShouldBeTrue();
        map.IsComplete.ShouldBeTrue();
        map.Written.ShouldBe(4 * MiB);
    }

    [Fact]
    public void Release_PieceCanBeTakenAgainFromWhereItStopped()
    {
        var map = PieceMap.Plan(2 * MiB, 1, MiB, MiB);
        var piece = map.Take()!;
        map.Advance(piece, 1000);
        map.Release(piece);

        var again = map.Take().ShouldNotBeNull();

        again.ShouldBeSameAs(piece);
        again.Written.ShouldBe(1000);
    }

    [Fact]
    public void Advance_PastTheEnd_Throws()
    {
        var map = PieceMap.Plan(2 * MiB, 1, MiB, MiB);
        var piece = map.Take()!;

        Should.Throw<InvalidOperationException>(() => map.Advance(piece, (int)(2 * MiB) + 1));
    }

    [Fact]
    public void Restore_SavedMap_RoundTrips()
    {
        PieceRecord[] saved = [new(0, 100, 1000), new(1000, 1000, 1500), new(1500, 1700, 4000)];

        var map = PieceMap.Restore(saved, 4000, MiB).ShouldNotBeNull();

        map.Snapshot().ShouldBe(saved);
        map.Written.ShouldBe(100 + 0 + 200);
        map.Frontier.ShouldBe(100);
    }

    [Theory]
    [InlineData(new long[] { 0, 10, 100, 200, 200, 300 })] // a gap between pieces
    [InlineData(new long[] { 0, 10, 100, 100, 100, 250 })] // short of the length
    [InlineData(new long[] { 0, 150, 100, 100, 100, 300 })] // written past a piece's end
    [InlineData(new long[] { 5, 10, 100, 100, 100, 300 })] // not starting at zero
    [InlineData(new long[] { })] // no pieces
    public void Restore_MapThatDoesNotDescribeTheFile_IsNull(long[] flat)
    {
        var records = flat.Chunk(3).Select(triple => new PieceRecord(triple[0], triple[1], triple[2])).ToList();

        PieceMap.Restore(records, 300, MiB).ShouldBeNull();
    }
}
