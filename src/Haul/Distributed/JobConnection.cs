using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>
/// The connection to a job's Redis server. It reconnects by itself in the background after the
/// server goes away; callers retry through <see cref="RedisRetry"/> meanwhile.
/// </summary>
internal sealed class JobConnection : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;

    private JobConnection(JobAddress address, ConnectionMultiplexer connection)
    {
        Address = address;
        Keys = new JobKeys(address.Job);
        _connection = connection;
        Database = connection.GetDatabase();
    }

    public JobAddress Address { get; }

    public JobKeys Keys { get; }

    public IDatabase Database { get; }

    /// <summary>Connects, and fails with <see cref="JobUnavailableException"/> when the server cannot be reached now.</summary>
    public static async Task<JobConnection> ConnectAsync(JobAddress address, CancellationToken cancellationToken = default)
    {
        ConnectionMultiplexer connection;
        try
        {
            connection = await ConnectionMultiplexer.ConnectAsync(address.ToConfiguration()).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            throw new JobUnavailableException(address, ex);
        }

        var job = new JobConnection(address, connection);
        try
        {
            await job.Database.PingAsync().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            await job.DisposeAsync().ConfigureAwait(false);
            throw new JobUnavailableException(address, ex);
        }

        return job;
    }

    /// <summary>Creates the queue and its consumer group unless they exist.</summary>
    public async Task EnsureGroupAsync()
    {
        try
        {
            await Database.StreamCreateConsumerGroupAsync(Keys.Queue, JobKeys.Group, "0-0", createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
        }
    }

    public Task<RedisResult> EvaluateAsync(string script, RedisKey[] keys, RedisValue[] values) =>
        Database.ScriptEvaluateAsync(script, keys, values);

    /// <summary>
    /// Stores a crawl's settings with the job unless the job has a crawl of its own already: the
    /// first crawler's settings hold for all. True when <paramref name="settings"/> are the job's.
    /// </summary>
    public async Task<bool> JoinCrawlAsync(CrawlSettings settings)
    {
        var json = settings.ToJson();
        return await Database.StringSetAsync(Keys.Crawl, json, when: When.NotExists).ConfigureAwait(false)
            || (string?)await Database.StringGetAsync(Keys.Crawl).ConfigureAwait(false) == json;
    }

    public async Task<bool> IsClosedAsync() => await Database.HashGetAsync(Keys.Meta, "closed").ConfigureAwait(false) == "1";

    public Task CloseAsync() => Database.HashSetAsync(Keys.Meta, "closed", "1");

    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
