namespace Haul.Distributed;

/// <summary>
/// The Lua scripts that change a job. Each runs atomically on the server, so a step is taken whole
/// or not at all, and each can be sent again after a lost reply without doing anything twice.
/// Time comes from the server's clock (<c>TIME</c>), the one clock every worker shares.
/// </summary>
internal static class JobScripts
{
    private const string Now = "local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) ";

    /// <summary>KEYS: queue, seen, meta. ARGV: (key, entry) pairs. Adds each entry whose key is new; returns how many.</summary>
    public const string Enqueue = """
        local added = 0
        for i = 1, #ARGV, 2 do
          if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
            redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1])
            added = added + 1
          end
        end
        if added > 0 then redis.call('HINCRBY', KEYS[3], 'enqueued', added) end
        return added
        """;

    /// <summary>
    /// KEYS: queue, seen, meta. ARGV: group, id of the page's entry, then (key, entry) pairs. What one
    /// page yields, new pictures and links, joins the queue, and the page's entry is acknowledged, in one step.
    /// </summary>
    public const string RecordPage = """
        local added = 0
        for i = 3, #ARGV, 2 do
          if redis.call('SADD', KEYS[2], ARGV[i]) == 1 then
            redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1])
            added = added + 1
          end
        end
        if added > 0 then redis.call('HINCRBY', KEYS[3], 'enqueued', added) end
        if redis.call('XACK', KEYS[1], ARGV[1], ARGV[2]) == 1 then
          redis.call('XDEL', KEYS[1], ARGV[2])
          redis.call('HINCRBY', KEYS[3], 'pages', 1)
        end
        return added
        """;

    /// <summary>
    /// KEYS: queue, done, results, meta, worker. ARGV: group, then (id, url key, result, status, bytes)
    /// per result. Acknowledges each entry and, unless the URL's result is already recorded, appends
    /// the result and counts it: every URL appears once in the results, however often it was fetched.
    /// </summary>
    public const string Complete = """
        local recorded = 0
        for i = 2, #ARGV, 5 do
          redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
          redis.call('XDEL', KEYS[1], ARGV[i])
          if redis.call('SADD', KEYS[2], ARGV[i + 1]) == 1 then
            redis.call('XADD', KEYS[3], '*', 'r', ARGV[i + 2])
            redis.call('HINCRBY', KEYS[4], ARGV[i + 3], 1)
            redis.call('HINCRBY', KEYS[5], ARGV[i + 3], 1)
            redis.call('HINCRBY', KEYS[5], 'bytes', ARGV[i + 4])
            recorded = recorded + 1
          end
        end
        return recorded
        """;

    /// <summary>
    /// KEYS: queue. ARGV: group, consumer, then (id, entry) pairs. Puts entries this consumer still
    /// owns back at the end of the queue for any worker (a stopped worker's, a page to retry).
    /// </summary>
    public const string Release = """
        local released = 0
        for i = 3, #ARGV, 2 do
          local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
          if p[1] and p[1][2] == ARGV[2] then
            redis.call('XACK', KEYS[1], ARGV[1], ARGV[i])
            redis.call('XDEL', KEYS[1], ARGV[i])
            redis.call('XADD', KEYS[1], '*', 'e', ARGV[i + 1])
            released = released + 1
          end
        end
        return released
        """;

    /// <summary>
    /// KEYS: queue, worker. ARGV: group, consumer, ids. The heartbeat: resets the idle time of the
    /// entries this consumer still owns (so a slow download is not taken for a dead worker's) and
    /// notes the time. Returns how many are still ours.
    /// </summary>
    public const string Refresh = Now + """
        redis.call('HSET', KEYS[2], 'seen', now)
        local mine = {}
        for i = 3, #ARGV do
          local p = redis.call('XPENDING', KEYS[1], ARGV[1], ARGV[i], ARGV[i], 1)
          if p[1] and p[1][2] == ARGV[2] then mine[#mine + 1] = ARGV[i] end
        end
        for i = 1, #mine, 100 do
          local claim = {'XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0}
          for j = i, math.min(i + 99, #mine) do claim[#claim + 1] = mine[j] end
          claim[#claim + 1] = 'JUSTID'
          redis.call(unpack(claim))
        end
        return #mine
        """;

    /// <summary>KEYS: queue, meta. 1 when the job is closed and nothing is queued or in flight.</summary>
    public const string IsDone = """
        if redis.call('HGET', KEYS[2], 'closed') == '1' and redis.call('XLEN', KEYS[1]) == 0 then return 1 end
        return 0
        """;

    /// <summary>
    /// KEYS: leases, pacing. ARGV: lease id, limit, lease time (ms). Takes one of the host's slots:
    /// 0 when granted, the milliseconds left of a Retry-After pause, or -1 when every slot is taken.
    /// Leases of dead workers expire by themselves.
    /// </summary>
    public const string AcquireHost = Now + """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        local ttl = tonumber(ARGV[3])
        if redis.call('ZSCORE', KEYS[1], ARGV[1]) then
          redis.call('ZADD', KEYS[1], 'GT', now + ttl, ARGV[1])
          return 0
        end
        local pause = tonumber(redis.call('HGET', KEYS[2], 'pause') or '0')
        if pause > now then return pause - now end
        if redis.call('ZCARD', KEYS[1]) < tonumber(ARGV[2]) then
          redis.call('ZADD', KEYS[1], now + ttl, ARGV[1])
          local last = redis.call('ZRANGE', KEYS[1], -1, -1, 'WITHSCORES')
          redis.call('PEXPIREAT', KEYS[1], tonumber(last[2]) + 60000)
          return 0
        end
        return -1
        """;

    /// <summary>KEYS: leases of any hosts. ARGV: lease time (ms), then one lease id per key. Extends the leases still held.</summary>
    public const string RenewHosts = Now + """
        local ttl = tonumber(ARGV[1])
        for i = 1, #KEYS do
          redis.call('ZADD', KEYS[i], now + ttl, ARGV[i + 1])
          local last = redis.call('ZRANGE', KEYS[i], -1, -1, 'WITHSCORES')
          redis.call('PEXPIREAT', KEYS[i], tonumber(last[2]) + 60000)
        end
        return #KEYS
        """;

    /// <summary>
    /// KEYS: pacing. ARGV: delay (ms). Books the host's next turn, no sooner than the last turn plus
    /// the delay nor before a pause ends; returns the milliseconds to wait for it.
    /// </summary>
    public const string HostTurn = Now + """
        local delay = tonumber(ARGV[1])
        local pause = tonumber(redis.call('HGET', KEYS[1], 'pause') or '0')
        local nextTurn = tonumber(redis.call('HGET', KEYS[1], 'next') or '0')
        local turn = math.max(now, nextTurn, pause)
        if delay > 0 then
          redis.call('HSET', KEYS[1], 'next', turn + delay)
          redis.call('PEXPIRE', KEYS[1], turn + delay - now + 60000)
        end
        return turn - now
        """;

    /// <summary>KEYS: pacing. ARGV: wait (ms). No turn on the host before the wait has passed, for any worker.</summary>
    public const string HostPause = Now + """
        local untilTime = now + tonumber(ARGV[1])
        local pause = tonumber(redis.call('HGET', KEYS[1], 'pause') or '0')
        if untilTime > pause then
          redis.call('HSET', KEYS[1], 'pause', untilTime)
          redis.call('PEXPIRE', KEYS[1], untilTime - now + 60000)
        end
        return 1
        """;

    /// <summary>KEYS: started pages. ARGV: page key, page limit. 1 when the page may be fetched within the crawl's limit.</summary>
    public const string StartPage = """
        if redis.call('SISMEMBER', KEYS[1], ARGV[1]) == 1 then return 1 end
        if redis.call('SCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('SADD', KEYS[1], ARGV[1])
        return 1
        """;

    /// <summary>KEYS: workers, worker. ARGV: name, then field/value pairs. A worker joins: its description, started and seen now.</summary>
    public const string Register = Now + """
        redis.call('SADD', KEYS[1], ARGV[1])
        redis.call('HSET', KEYS[2], 'started', now, 'seen', now, 'state', 'running')
        for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1]) end
        redis.call('HDEL', KEYS[2], 'finished')
        return now
        """;

    /// <summary>KEYS: worker. ARGV: state. A worker leaves (done, interrupted).</summary>
    public const string Leave = Now + """
        redis.call('HSET', KEYS[1], 'state', ARGV[1], 'finished', now, 'seen', now)
        return now
        """;
}
