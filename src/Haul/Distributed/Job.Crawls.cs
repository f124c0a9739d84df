using System.Runtime.CompilerServices;
using Haul.Crawling;
using Haul.Datasets;
using Haul.Journal;

namespace Haul.Distributed;

/// <summary>Crawls and data sets on a job: what is queued is pages to visit, or shards to build, not files.</summary>
public sealed partial class Job
{
    /// <summary>
    /// Makes the job a crawl with these settings unless it has a crawl of its own already: the first
    /// crawler's settings hold for every worker, whatever flags later ones were started with.
    /// </summary>
    /// <param name="options">The crawl's rules (depth, scope, filters, layout).</param>
    /// <param name="userAgent">The user agent every worker sends; null: each worker's own.</param>
    /// <returns>True when these settings are the job's; false when it keeps other, earlier ones.</returns>
    public Task<bool> JoinCrawlAsync(CrawlOptions options, string? userAgent = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        return _connection.JoinCrawlAsync(CrawlSettings.From(options, userAgent));
    }

    /// <summary>Adds a crawl's start pages (depth 0, their fragments dropped); a page the job has seen is left out.</summary>
    /// <param name="startPages">Absolute http(s) URLs.</param>
    /// <param name="cancellationToken">Stops adding.</param>
    /// <returns>How many were added and how many the job already had.</returns>
    /// <exception cref="ArgumentException">A start page is not an absolute http(s) URL.</exception>
    public Task<JobEnqueueResult> EnqueueStartPagesAsync(IEnumerable<Uri> startPages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(startPages);
        var entries = new List<QueueEntry>();
        foreach (var uri in startPages)
        {
            if (uri is not { IsAbsoluteUri: true } || uri.Scheme is not ("http" or "https"))
            {
                throw new ArgumentException($"'{uri}' is not an absolute http(s) URL.", nameof(startPages));
            }

            var url = Crawler.WithoutFragment(uri);
            entries.Add(QueueEntry.FromPage(new FrontierPage(UrlKey.From(uri), url, 0, url)));
        }

        return EnqueueEntriesAsync(entries.ToAsyncEnumerable(), cancellationToken);
    }

    /// <summary>
    /// Puts a data set's shards (not single pictures) on the queue for workers to build into
    /// <see cref="DatasetRunOptions.OutputFolder"/>, which every worker must see at the same path,
    /// as they must see <paramref name="input"/>. The output folder is marked for this job and this
    /// input first: a worker builds shards only into a folder so marked.
    /// </summary>
    /// <param name="input">The data set's input file.</param>
    /// <param name="inputOptions">How the input is read.</param>
    /// <param name="options">How the data set is built (output folder, shard size, pictures).</param>
    /// <param name="cancellationToken">Stops reading and adding.</param>
    /// <returns>How many shards were added and how many the job already had.</returns>
    /// <exception cref="IOException">The output folder cannot be prepared.</exception>
    /// <exception cref="DatasetInputException">The input cannot be read.</exception>
    public Task<JobEnqueueResult> EnqueueDatasetAsync(string input, DatasetInputOptions inputOptions, DatasetRunOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(inputOptions);
        ArgumentNullException.ThrowIfNull(options);
        DatasetQueueMark.Write(Path.GetFullPath(options.OutputFolder), Name, Path.GetFullPath(input));
        return EnqueueEntriesAsync(Shards(input, inputOptions, options, cancellationToken), cancellationToken);
    }

    private static async IAsyncEnumerable<QueueEntry> Shards(string input, DatasetInputOptions inputOptions, DatasetRunOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var samples = DatasetSource.ReadAsync(input, inputOptions, cancellationToken);
        await foreach (var shard in DatasetSharder.ShardAsync(samples, options.SamplesPerShard, cancellationToken).ConfigureAwait(false))
        {
            yield return QueueEntry.FromShard(DatasetShardTask.For(shard, input, inputOptions, options));
        }
    }
}
