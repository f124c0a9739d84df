using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>
/// The Redis keys of one job. All share the hash tag <c>{JOB}</c>, so a job's scripts, which touch
/// several keys at once, also run on a Redis Cluster.
/// </summary>
internal sealed class JobKeys(string job)
{
    /// <summary>The consumer group every worker of the job reads the queue with.</summary>
    public const string Group = "haul-workers";

    private readonly string _prefix = $"haul:{{{job}}}:";

    public string Job { get; } = job;

    /// <summary>Stream of requests; an entry leaves it once its result is recorded.</summary>
    public RedisKey Queue => _prefix + "queue";

    /// <summary>Stream of results, one per URL, for status and for any program to read.</summary>
    public RedisKey Results => _prefix + "results";

    /// <summary>Set of the normalized URLs (and crawl pages) ever enqueued: the same URL is queued once.</summary>
    public RedisKey Seen => _prefix + "seen";

    /// <summary>Set of the URLs whose result is recorded: a second completion of one URL records nothing.</summary>
    public RedisKey Done => _prefix + "done";

    /// <summary>Hash of the job's state and counters: closed, enqueued, ok, skipped, failed, pages.</summary>
    public RedisKey Meta => _prefix + "meta";

    /// <summary>Set of the names of the workers that ever joined.</summary>
    public RedisKey Workers => _prefix + "workers";

    /// <summary>The crawl settings of a crawl job (JSON), shared by all of its workers.</summary>
    public RedisKey Crawl => _prefix + "crawl";

    /// <summary>Set of the pages a crawl has started, for its page limit.</summary>
    public RedisKey PagesStarted => _prefix + "pages-started";

    public RedisKey Worker(string name) => _prefix + "worker:" + name;

    /// <summary>Sorted set of the leases on one host's connections, scored by their expiry.</summary>
    public RedisKey HostLeases(string hostKey) => _prefix + "host:" + hostKey + ":leases";

    /// <summary>Hash of one host's pacing: the next free turn and the end of a Retry-After pause.</summary>
    public RedisKey HostPacing(string hostKey) => _prefix + "host:" + hostKey + ":pacing";
}
