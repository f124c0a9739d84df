using Haul.Distributed;
using StackExchange.Redis;

namespace Haul.Tests.Distributed;

/// <summary>The job's Lua scripts against a real redis-server: each step whole, and safe to send again.</summary>
public sealed class JobScriptsTests : IAsyncLifetime
{
    private readonly JobKeys _keys = new("scripts");
    private RedisServer _redis = null!;

    private IDatabase Db => _redis.Database;

    public async ValueTask InitializeAsync()
    {
        _redis = await RedisServer.StartAsync();
        await Db.StreamCreateConsumerGroupAsync(_keys.Queue, JobKeys.Group, "0-0", createStream: true);
    }

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public async Task Complete_SameUrlTwice_OneResultAndEntryAcknowledged()
    {
        var id = await Enqueue("http://a.test/1.jpg");
        await Db.StreamReadGroupAsync(_keys.Queue, JobKeys.Group, "w1", ">", 10);

        for (var i = 0; i < 2; i++)
        {
            await Eval(JobScripts.Complete, [_keys.Queue, _keys.Done, _keys.Results, _keys.Meta, _keys.Worker("w1")], JobKeys.Group, id, "http://a.test/1.jpg", "{}", "ok", 10);
        }

        (await Db.StreamLengthAsync(_keys.Results)).ShouldBe(1);
        (await Db.StreamLengthAsync(_keys.Queue)).ShouldBe(0);
        (await Db.HashGetAsync(_keys.Meta, "ok")).ShouldBe((RedisValue)1);
        (await Db.HashGetAsync(_keys.Worker("w1"), "bytes")).ShouldBe((RedisValue)10);
        (await Db.StreamPendingAsync(_keys.Queue, JobKeys.Group)).PendingMessageCount.ShouldBe(0);
    }

    [Fact]
    public async Task Enqueue_SameKeyTwice_AddedOnce()
    {
        var first = await Eval(JobScripts.Enqueue, [_keys.Queue, _keys.Seen, _keys.Meta], "k1", "{}", "k2", "{}", "k1", "{}");
        var again = await Eval(JobScripts.Enqueue, [_keys.Queue, _keys.Seen, _keys.Meta], "k2", "{}");

        ((long)first).ShouldBe(2);
        ((long)again).ShouldBe(0);
        (await Db.StreamLengthAsync(_keys.Queue)).ShouldBe(2);
        (await Db.HashGetAsync(_keys.Meta, "enqueued")).ShouldBe((RedisValue)2);
    }

    [Fact]
    public async Task Release_OnlyTheCallersOwnEntries_GoBackToTheQueue()
    {
        var mine = await Enqueue("http://a.test/mine");
        await Db.StreamReadGroupAsync(_keys.Queue, JobKeys.Group, "w1", ">", 1);
        var theirs = await Enqueue("http://a.test/theirs");
        await Db.StreamReadGroupAsync(_keys.Queue, JobKeys.Group, "w2", ">", 1);

        var released = await Eval(JobScripts.Release, [_keys.Queue], JobKeys.Group, "w1", mine, "{\"kind\":\"file\",\"url\":\"again\"}", theirs, "{}");

        ((long)released).ShouldBe(1);
        var pending = await Db.StreamPendingAsync(_keys.Queue, JobKeys.Group);
        pending.PendingMessageCount.ShouldBe(1);
        pending.Consumers.Single().Name.ShouldBe((RedisValue)"w2");
        var fresh = await Db.StreamReadGroupAsync(_keys.Queue, JobKeys.Group, "w3", ">", 10);
        fresh.Single()["e"].ToString().ShouldContain("again");
    }

    [Fact]
    public async Task Refresh_ResetsIdleTimeOfOwnEntriesOnly()
    {
        var mine = await Enqueue("http://a.test/mine");
        await Db.StreamReadGroupAsync(_keys.Queue, JobKeys.Group, "w1", ">", 1);
        var theirs = await Enqueue("http://a.test/theirs");
        await Db.StreamReadGroupAsync(_keys.Queue, JobKeys.Group, "w2", ">", 1);
        await Until.TrueAsync(async () => (await Idle(mine)) >= 50 && (await Idle(theirs)) >= 50, "both entries to be idle 50 ms");

        var stillMine = await Eval(JobScripts.Refresh, [_keys.Queue, _keys.Worker("w1")], JobKeys.Group, "w1", mine, theirs);

        ((long)stillMine).ShouldBe(1);
        (await Idle(mine)).ShouldBeLessThan(await Idle(theirs));
        (await Db.HashExistsAsync(_keys.Worker("w1"), "seen")).ShouldBeTrue();
    }

    [Fact]
    public async Task AcquireHost_LimitPauseAndExpiry()
    {
        RedisKey[] keys = [_keys.HostLeases("h:80"), _keys.HostPacing("h:80")];

        ((long)await Eval(JobScripts.AcquireHost, keys, "a", 2, 60000)).ShouldBe(0);
        ((long)await Eval(JobScripts.AcquireHost, keys, "b", 2, 60000)).ShouldBe(0);
        ((long)await Eval(JobScripts.AcquireHost, keys, "c", 2, 60000)).ShouldBe(-1);
        ((long)await Eval(JobScripts.AcquireHost, keys, "a", 2, 60000)).ShouldBe(0, "a lease asked for again after a lost reply is the same lease");

        await Db.SortedSetRemoveAsync(keys[0], "a");
        await Eval(JobScripts.HostPause, [keys[1]], 30000);
        var paused = (long)await Eval(JobScripts.AcquireHost, keys, "c", 2, 60000);
        paused.ShouldBeInRange(1, 30000);

        // A lease nobody renews (its worker died) runs out and frees its slot.
        await Db.KeyDeleteAsync(keys[1]);
        ((long)await Eval(JobScripts.AcquireHost, keys, "d", 2, 1)).ShouldBe(0);
        await Until.TrueAsync(async () => (long)await Eval(JobScripts.AcquireHost, keys, "e", 2, 60000) == 0, "the short lease to run out");
        (await Db.SortedSetRangeByRankAsync(keys[0])).Select(value => value.ToString()).Order(StringComparer.Ordinal).ShouldBe(["b", "e"]);
    }

    [Fact]
    public async Task HostTurn_WithDelay_BooksTurnsApart()
    {
        RedisKey[] keys = [_keys.HostPacing("h:80")];

        var first = (long)await Eval(JobScripts.HostTurn, keys, 10000);
        var second = (long)await Eval(JobScripts.HostTurn, keys, 10000);
        var noDelay = (long)await Eval(JobScripts.HostTurn, [_keys.HostPacing("other:80")], 0);

        first.ShouldBe(0);
        second.ShouldBeInRange(1, 10000);
        noDelay.ShouldBe(0);
    }

    [Fact]
    public async Task IsDone_OnlyWhenClosedAndEmpty()
    {
        RedisKey[] keys = [_keys.Queue, _keys.Meta];
        ((long)await Eval(JobScripts.IsDone, keys)).ShouldBe(0);
        var id = await Enqueue("http://a.test/x");
        await Db.HashSetAsync(_keys.Meta, "closed", "1");
        ((long)await Eval(JobScripts.IsDone, keys)).ShouldBe(0);
        await Db.StreamDeleteAsync(_keys.Queue, [id]);
        ((long)await Eval(JobScripts.IsDone, keys)).ShouldBe(1);
    }

    private async Task<long> Idle(RedisValue id) =>
        (await Db.StreamPendingMessagesAsync(_keys.Queue, JobKeys.Group, 1, RedisValue.Null, id, id)).Single().IdleTimeInMilliseconds;

    private async Task<RedisValue> Enqueue(string url) =>
        await Db.StreamAddAsync(_keys.Queue, "e", new QueueEntry { Kind = QueueEntry.FileKind, Url = url }.ToJson());

    private Task<RedisResult> Eval(string script, RedisKey[] keys, params RedisValue[] values) => Db.ScriptEvaluateAsync(script, keys, values);
}
