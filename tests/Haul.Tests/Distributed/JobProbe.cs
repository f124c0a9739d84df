using System.Text.Json;
using Haul.Distributed;
using StackExchange.Redis;

namespace Haul.Tests.Distributed;

/// <summary>The test's view into a job in Redis: its results stream and who holds what.</summary>
public sealed class JobProbe(RedisServer redis, string job)
{
    private readonly JobKeys _keys = new(job);

    public string Address => redis.Job(job);

    /// <summary>Every entry of the results stream, in order.</summary>
    public async Task<List<JsonElement>> ResultsAsync()
    {
        var entries = await redis.Database.StreamRangeAsync(_keys.Results, "-", "+");
        return [.. entries.Select(entry => JsonDocument.Parse(entry["r"].ToString()).RootElement)];
    }

    public async Task<long> ResultCountAsync() => await redis.Database.StreamLengthAsync(_keys.Results);

    /// <summary>Entries a worker holds without having finished them.</summary>
    public async Task<long> PendingOfAsync(string worker)
    {
        var pending = await redis.Database.StreamPendingAsync(_keys.Queue, JobKeys.Group);
        return pending.Consumers.FirstOrDefault(consumer => consumer.Name == worker).PendingMessageCount;
    }

    public async Task<long> QueueLengthAsync() => await redis.Database.StreamLengthAsync(_keys.Queue);
}
