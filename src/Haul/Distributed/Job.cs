
namespace Haul.Distributed;

/// <summary>
/// A distributed job on a Redis server: add requests to it (once per normalized URL), close it,
/// read where it stands, and work on it. Every process that takes part (those that enqueue, the
/// workers, <c>haul status</c>) connects to the same <see cref="JobAddress"/>.
/// </summary>
/// <example>
/// <code>
/// await using var job = await Job.ConnectAsync(JobAddress.Parse("redis://127.0.0.1:6379/photos"));
/// await job.EnqueueAsync(requests);
/// await job.CloseAsync();
/// var status = await job.ReadStatusAsync();
/// </code>
/// </example>
public sealed partial class Job : IAsyncDisposable
{
    private readonly JobConnection _connection;
    private readonly TimeProvider _timeProvider;

    private Job(JobConnection connection, TimeProvider timeProvider)
    {
        _connection = connection;
        _timeProvider = timeProvider;
    }

    /// <summary>Where the job lives.</summary>
    public JobAddress Address => _connection.Address;

    /// <summary>The job's name.</summary>
    public string Name => _connection.Address.Job;

    /// <summary>
    /// Connects to the job's Redis server. The connection then survives server restarts by itself;
    /// only a server that cannot be reached now fails, with <see cref="JobUnavailableException"/>.
    /// </summary>
    /// <param name="address">The job.</param>
    /// <param name="cancellationToken">Stops waiting for the server.</param>
    /// <returns>The connected job; dispose it to close the connection.</returns>
    public static Task<Job> ConnectAsync(JobAddress address, CancellationToken cancellationToken = default) =>
        ConnectAsync(address, TimeProvider.System, cancellationToken);

    /// <summary>Connects to the job's Redis server, with the clock its retries wait on.</summary>
    /// <param name="address">The job.</param>
    /// <param name="timeProvider">The clock for the back-off between retries while Redis is away.</param>
    /// <param name="cancellationToken">Stops waiting for the server.</param>
    /// <returns>The connected job; dispose it to close the connection.</returns>
    public static async Task<Job> ConnectAsync(JobAddress address, TimeProvider timeProvider, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(address);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var connection = await JobConnection.ConnectAsync(address, cancellationToken).ConfigureAwait(false);
        return new Job(connection, timeProvider);
    }

    /// <summary>Whether the job's input is complete (no more entries may be added).</summary>
    /// <returns>True once someone closed the job.</returns>
    public Task<bool> IsClosedAsync() => _connection.IsClosedAsync();

    /// <summary>Marks the input complete: workers leave once nothing is queued or in flight.</summary>
    /// <returns>When the mark is stored.</returns>
    public Task CloseAsync() => _connection.CloseAsync();

    /// <summary>
    /// Adds requests to the job's queue in batches; a request whose normalized URL the job has seen
    /// is left out. Requests are queued as they are: check them first (a worker fails a bad one).
    /// </summary>
    /// <param name="requests">The requests, with their file names, directories and checksums.</param>
    /// <param name="cancellationToken">Stops adding; batches already sent stay queued.</param>
    /// <returns>How many were added and how many the job already had.</returns>
    public Task<JobEnqueueResult> EnqueueAsync(IAsyncEnumerable<DownloadRequest> requests, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return EnqueueEntriesAsync(Entries(requests, cancellationToken), cancellationToken);
    }

    /// <summary>Where the job stands now: its counts, its oldest pending entry and its workers.</summary>
    /// <param name="silentAfter">A running worker not seen for this long shows as <c>silent</c>; by default 60 seconds, the workers' default visibility timeout.</param>
    /// <param name="cancellationToken">Stops waiting for the server.</param>
    /// <returns>The job's status.</returns>
    public Task<JobStatus> ReadStatusAsync(TimeSpan? silentAfter = null, CancellationToken cancellationToken = default) =>
        JobStatusReader.ReadAsync(_connection, silentAfter ?? new WorkerOptions().VisibilityTimeout).WaitAsync(cancellationToken);

    /// <summary>
    /// Starts a worker on this job. Its output directory is its own: a second worker on it fails with
    /// <see cref="WorkerDirectoryInUseException"/>. Run it with <see cref="QueueWorker.RunAsync"/>
    /// and dispose it before the job.
    /// </summary>
    /// <param name="options">How the worker downloads (a crawl job's stored user agent replaces its own).</param>
    /// <param name="workerOptions">How it takes part in the job; by default, named HOST-PID, leaving once the job is done.</param>
    /// <returns>The worker, registered with nothing taken yet.</returns>
    public Task<QueueWorker> StartWorkerAsync(DownloadOptions options, WorkerOptions? workerOptions = null) =>
        QueueWorker.StartAsync(_connection, options, workerOptions ?? new WorkerOptions(), _timeProvider);

    /// <summary>Closes the connection to the server; the job itself stays on the server.</summary>
    /// <returns>When the connection is closed.</returns>
    public ValueTask DisposeAsync() => _connection.DisposeAsync();

    /// <summary>The address without its password.</summary>
    /// <returns><c>redis://HOST:PORT/JOB</c>.</returns>
    public override string ToString() => Address.ToString();

    private Task<JobEnqueueResult> EnqueueEntriesAsync(IAsyncEnumerable<QueueEntry> entries, CancellationToken cancellationToken) =>
        new JobEnqueuer(_connection, _timeProvider).EnqueueAsync(entries, cancellationToken);

    private static async IAsyncEnumerable<QueueEntry> Entries(IAsyncEnumerable<DownloadRequest> requests, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var request in requests.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return QueueEntry.FromRequest(request);
        }
    }
}
