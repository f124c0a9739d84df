using System.Runtime.CompilerServices;
using Haul.Errors;

namespace Haul.Datasets;

/// <summary>
/// Fetches samples' pictures through the engine (<see cref="Downloader"/>: per-host limits,
/// <c>Retry-After</c>, retries, redirects, <c>X-Robots-Tag</c> refusals). Bodies land in
/// <c>OUT/.haul/incoming/</c>, never in the data set's layout, and are read back into memory and
/// removed as each finishes, so the folder holds only what is in flight.
/// </summary>
internal sealed class DatasetFetcher : IDisposable
{
    private const string BodySuffix = ".body";

    private readonly Downloader _downloader;

    /// <param name="outputFolder">The data set's output folder.</param>
    /// <param name="engine">The engine settings (concurrency, per-host limit, retries, timeouts, HTTP).</param>
    /// <param name="disallowedHeaderDirectives">The <c>X-Robots-Tag</c> directives that refuse a picture.</param>
    /// <param name="timeProvider">The clock for timeouts and backoff.</param>
    public DatasetFetcher(string outputFolder, DownloadOptions engine, IReadOnlyList<string> disallowedHeaderDirectives, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(outputFolder);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(disallowedHeaderDirectives);
        Incoming = Path.Combine(outputFolder, ".haul", "incoming");
        _downloader = new Downloader(
            engine with
            {
                Directory = Incoming,
                // Keys name the bodies; what is done is decided by the shards on disk, not by a journal.
                UseJournal = false,
                NoClobber = false,
                ArchivePath = null,
                Dedupe = false,
                Extract = null,
                OnComplete = null,
                CheckUpdates = false,
                Http = engine.Http with { DisallowedHeaderDirectives = disallowedHeaderDirectives },
            },
            timeProvider);
    }

    /// <summary>Where bodies are written while they download.</summary>
    public string Incoming { get; }

    /// <summary>
    /// Yields one <see cref="FetchedSample"/> per sample, in order of completion; only the samples
    /// the engine has admitted are read from <paramref name="samples"/>.
    /// </summary>
    public async IAsyncEnumerable<FetchedSample> FetchAsync(
        IAsyncEnumerable<(DatasetSample Sample, string Key)> samples,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // By body name: the engine may hand back a copy of a request (a URL with a password is masked).
        var pending = new System.Collections.Concurrent.ConcurrentDictionary<string, (DatasetSample Sample, string Key)>(StringComparer.Ordinal);
        async IAsyncEnumerable<DownloadRequest> Requests()
        {
            await foreach (var (sample, key) in samples.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                var request = new DownloadRequest(sample.Url) { OutName = key + BodySuffix, InputError = sample.InputError };
                if (!pending.TryAdd(request.OutName, (sample, key)))
                {
                    throw new ArgumentException($"The key {key} is given to two samples.", nameof(samples));
                }

                yield return request;
            }
        }

        await foreach (var result in _downloader.DownloadAsync(Requests(), cancellationToken).ConfigureAwait(false))
        {
            if (result.Request.OutName is not { } name || !pending.TryRemove(name, out var entry))
            {
                throw new InvalidOperationException($"The engine returned a result for {result.Url} that no sample asked for.");
            }

            if (result.Status != DownloadStatus.Ok || result.Path is not { } path)
            {
                yield return new FetchedSample(entry.Sample, entry.Key, null, null, result.Error);
                continue;
            }

            byte[] bytes;
            HaulException? error = null;
            try
            {
                bytes = await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                bytes = [];
                error = HaulErrors.Storage(result.Url, path, ex);
            }

            yield return error is null
                ? new FetchedSample(entry.Sample, entry.Key, bytes, result.Sha256, null)
                : new FetchedSample(entry.Sample, entry.Key, null, null, error);
        }
    }

    public void Dispose() => _downloader.Dispose();
}
