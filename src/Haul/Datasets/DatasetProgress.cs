using Haul.Errors;

namespace Haul.Datasets;

/// <summary>
/// A run's live counts, sample by sample as each is fetched and processed (not only at shard end),
/// for a progress display. Thread-safe: samples finish on the fetch loop and on processing threads.
/// </summary>
internal sealed class DatasetProgress(TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, long> _failures = new(StringComparer.Ordinal);
    private readonly long _started = timeProvider.GetTimestamp();
    private long _samples;
    private long _successes;
    private int _shards;
    private string? _shard;

    /// <summary>One sample is finished: written, or failed with its error's kind.</summary>
    public void Add(DatasetRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _samples++;
            if (record.Image is not null)
            {
                _successes++;
            }
            else if (record.Error is { } error)
            {
                var kind = error.Kind.ToName();
                _failures[kind] = _failures.GetValueOrDefault(kind) + 1;
            }
        }
    }

    /// <summary>The shard now being built.</summary>
    public void ShardStarted(string name)
    {
        lock (_gate)
        {
            _shard = name;
        }
    }

    /// <summary>A shard is written, or found complete.</summary>
    public void ShardFinished()
    {
        lock (_gate)
        {
            _shards++;
            _shard = null;
        }
    }

    public DatasetProgressSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new DatasetProgressSnapshot(_samples, _successes, new SortedDictionary<string, long>(_failures, StringComparer.Ordinal), timeProvider.GetElapsedTime(_started), _shards, _shard);
        }
    }
}

/// <summary>A run's counts at one moment.</summary>
/// <param name="Samples">Samples finished by this run.</param>
/// <param name="Successes">Of them, those written with a picture.</param>
/// <param name="FailuresByKind">The failed ones by error kind (<c>http</c>, <c>decode</c>, …), in name order.</param>
/// <param name="Elapsed">Time since the run started.</param>
/// <param name="ShardsDone">Shards written or found complete.</param>
/// <param name="Shard">The shard being built, if any.</param>
internal sealed record DatasetProgressSnapshot(long Samples, long Successes, IReadOnlyDictionary<string, long> FailuresByKind, TimeSpan Elapsed, int ShardsDone, string? Shard)
{
    public double SamplesPerSecond => Elapsed > TimeSpan.Zero ? Samples / Elapsed.TotalSeconds : 0;

    /// <summary>Successes over samples, 0 to 1 (0 before any sample).</summary>
    public double SuccessRate => Samples == 0 ? 0 : (double)Successes / Samples;
}
