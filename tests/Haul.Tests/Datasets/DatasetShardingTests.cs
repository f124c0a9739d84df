using Haul.Datasets;

namespace Haul.Tests.Datasets;

public sealed class DatasetShardingTests
{
    [Theory]
    [InlineData(10_000, 4)]
    [InlineData(5_000, 4)]
    [InlineData(1_000, 3)]
    [InlineData(1_001, 4)]
    [InlineData(10, 1)]
    [InlineData(2, 1)]
    [InlineData(1, 0)]
    public void IndexDigits_ShardSize_CeilingOfLog10(int samplesPerShard, int expected)
    {
        DatasetKeys.IndexDigits(samplesPerShard).ShouldBe(expected);
    }

    [Theory]
    [InlineData(0, 0, 10_000, "000000000")]
    [InlineData(42, 17, 10_000, "000420017")]
    [InlineData(3, 9_999, 10_000, "000039999")]
    [InlineData(1, 5, 100, "0000105")]
    [InlineData(7, 0, 1, "00007")]
    [InlineData(123_456, 1, 10, "1234561")]
    public void Key_ShardAndIndex_ZeroPaddedAsImg2dataset(long shard, int index, int samplesPerShard, string expected)
    {
        DatasetKeys.Key(shard, index, samplesPerShard).ShouldBe(expected);
    }

    [Fact]
    public void ShardName_FiveDigits()
    {
        DatasetKeys.ShardName(0).ShouldBe("00000");
        DatasetKeys.ShardName(421).ShouldBe("00421");
        DatasetKeys.ShardName(123_456).ShouldBe("123456");
    }

    [Fact]
    public async Task ShardAsync_TwoFiles_EachCutByShardSizeAndNumbersRunOn()
    {
        var samples = Enumerable.Range(0, 5).Select(i => Sample(0, i))
            .Concat(Enumerable.Range(0, 3).Select(i => Sample(1, i)))
            .Concat(Enumerable.Range(0, 2).Select(i => Sample(3, i)));

        var shards = new List<DatasetShard>();
        await foreach (var shard in DatasetSharder.ShardAsync(samples.ToAsyncEnumerable(), 2, TestContext.Current.CancellationToken))
        {
            shards.Add(shard);
        }

        shards.Select(s => s.Number).ShouldBe([0L, 1L, 2L, 3L, 4L, 5L]);
        shards.Select(s => string.Join(' ', s.Samples.Select(x => $"{x.FileIndex}:{x.Row}"))).ShouldBe(["0:0 0:1", "0:2 0:3", "0:4", "1:0 1:1", "1:2", "3:0 3:1"]);
    }

    [Fact]
    public async Task ShardAsync_NoSamples_NoShard()
    {
        var shards = new List<DatasetShard>();
        await foreach (var shard in DatasetSharder.ShardAsync(AsyncEnumerable.Empty<DatasetSample>(), 10, TestContext.Current.CancellationToken))
        {
            shards.Add(shard);
        }

        shards.ShouldBeEmpty();
    }

    [Fact]
    public async Task ShardAsync_PipeOfSamples_FirstShardBeforeTheInputEnds()
    {
        var firstShard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async IAsyncEnumerable<DatasetSample> Source()
        {
            yield return Sample(0, 0);
            yield return Sample(0, 1);
            yield return Sample(0, 2);
            await firstShard.Task.WaitAsync(TimeSpan.FromSeconds(60));
            yield return Sample(0, 3);
        }

        var numbers = new List<long>();
        await foreach (var shard in DatasetSharder.ShardAsync(Source(), 2, TestContext.Current.CancellationToken))
        {
            numbers.Add(shard.Number);
            firstShard.TrySetResult();
        }

        numbers.ShouldBe([0L, 1L]);
    }

    private static DatasetSample Sample(int file, long row) => new(file, row, $"http://a.test/{file}/{row}.jpg", null, []);
}
