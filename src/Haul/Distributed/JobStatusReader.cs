using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>Reads a job's state from Redis for <c>haul status</c>.</summary>
internal static class JobStatusReader
{
    public static async Task<JobStatus> ReadAsync(JobConnection job, TimeSpan visibilityTimeout)
    {
        var keys = job.Keys;
        var db = job.Database;
        var now = await ServerNowAsync(db).ConfigureAwait(false);
        var meta = (await db.HashGetAllAsync(keys.Meta).ConfigureAwait(false)).ToDictionary(entry => entry.Name.ToString(), entry => entry.Value);
        var length = await db.StreamLengthAsync(keys.Queue).ConfigureAwait(false);
        var pending = await PendingAsync(db, keys).ConfigureAwait(false);
        var oldest = await db.StreamRangeAsync(keys.Queue, "-", "+", 1).ConfigureAwait(false);
        var isCrawl = await db.KeyExistsAsync(keys.Crawl).ConfigureAwait(false);
        var workers = new List<WorkerStatus>();
        foreach (var name in (await db.SetMembersAsync(keys.Workers).ConfigureAwait(false)).Select(value => value.ToString()).Order(StringComparer.Ordinal))
        {
            var fields = (await db.HashGetAllAsync(keys.Worker(name)).ConfigureAwait(false)).ToDictionary(entry => entry.Name.ToString(), entry => entry.Value);
            workers.Add(Worker(name, fields, pending.Consumers.GetValueOrDefault(name), now, visibilityTimeout));
        }

        return new JobStatus
        {
            Job = keys.Job,
            Closed = Number(meta, "closed") == 1,
            IsCrawl = isCrawl,
            Enqueued = Number(meta, "enqueued"),
            Queued = Math.Max(0, length - pending.Count),
            InFlight = pending.Count,
            Ok = Number(meta, "ok"),
            Skipped = Number(meta, "skipped"),
            Failed = Number(meta, "failed"),
            Pages = Number(meta, "pages"),
            OldestPendingAge = oldest.Length > 0 ? TimeSpan.FromMilliseconds(Math.Max(0, now - IdTime(oldest[0].Id))) : null,
            OldestPendingUrl = oldest.Length > 0 ? QueueEntry.Parse(oldest[0]["e"].ToString())?.Url : null,
            Workers = workers,
        };
    }

    private static WorkerStatus Worker(string name, Dictionary<string, RedisValue> fields, long inFlight, long now, TimeSpan visibilityTimeout)
    {
        var started = Number(fields, "started");
        var seen = Number(fields, "seen");
        var finished = Number(fields, "finished");
        var state = fields.TryGetValue("state", out var value) ? value.ToString() : "running";
        var sinceSeen = TimeSpan.FromMilliseconds(Math.Max(0, now - seen));
        if (state == "running" && sinceSeen > visibilityTimeout)
        {
            state = "silent";
        }

        var end = finished > 0 ? finished : state == "running" ? now : seen;
        return new WorkerStatus
        {
            Name = name,
            State = state,
            Host = fields.TryGetValue("host", out var host) ? host.ToString() : null,
            Directory = fields.TryGetValue("dir", out var dir) ? dir.ToString() : null,
            InFlight = inFlight,
            Ok = Number(fields, "ok"),
            Skipped = Number(fields, "skipped"),
            Failed = Number(fields, "failed"),
            Bytes = Number(fields, "bytes"),
            Active = TimeSpan.FromMilliseconds(Math.Max(0, end - started)),
            SinceSeen = sinceSeen,
        };
    }

    private static async Task<(long Count, Dictionary<string, long> Consumers)> PendingAsync(IDatabase db, JobKeys keys)
    {
        try
        {
            var info = await db.StreamPendingAsync(keys.Queue, JobKeys.Group).ConfigureAwait(false);
            return (info.PendingMessageCount, info.Consumers.ToDictionary(consumer => consumer.Name.ToString(), consumer => (long)consumer.PendingMessageCount, StringComparer.Ordinal));
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("NOGROUP", StringComparison.Ordinal))
        {
            return (0, []);
        }
    }

    private static async Task<long> ServerNowAsync(IDatabase db)
    {
        var time = (RedisResult[])(await db.ExecuteAsync("TIME").ConfigureAwait(false))!;
        return ((long)time[0] * 1000) + ((long)time[1] / 1000);
    }

    private static long IdTime(RedisValue id)
    {
        var text = id.ToString();
        var dash = text.IndexOf('-', StringComparison.Ordinal);
        return long.TryParse(dash < 0 ? text : text[..dash], out var ms) ? ms : 0;
    }

    private static long Number(Dictionary<string, RedisValue> fields, string name) =>
        fields.TryGetValue(name, out var value) && value.TryParse(out long number) ? number : 0;
}
