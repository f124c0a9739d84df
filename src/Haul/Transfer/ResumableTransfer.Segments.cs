using System.Buffers;
using System.Net;
using Haul.Errors;
using Haul.Storage;
using Microsoft.Win32.SafeHandles;

namespace Haul.Transfer;

internal sealed partial class ResumableTransfer
{
    /// <summary>A steal never leaves halves smaller than this (nor than a few reads).</summary>
    internal const long StealMinimum = 1024 * 1024;

    /// <summary>The piece map goes to disk after this many new bytes (or a second), so a kill -9 costs at most about this much per piece.</summary>
    private const long PieceMapSaveBytes = 16 * 1024 * 1024;

    private long StealFloor => Math.Max(StealMinimum, 4L * options.BufferSize);

    /// <summary>
    /// A fresh reply is worth splitting when more than one connection is allowed, the server takes
    /// ranges, the size is known and large enough, and a validator can guard every piece with <c>If-Range</c>.
    /// </summary>
    private bool CanSplit(TransferState state, HttpResponseMessage response, PartMetadata metadata) =>
        !state.SingleStream
        && options.Connections > 1
        && response.StatusCode == HttpStatusCode.OK
        && metadata.Length is { } length && length >= 2 * options.MinSplitSize
        && response.Headers.AcceptRanges.Contains("bytes")
        && metadata.HasValidator;

    /// <summary>Starts a segmented download: the reply at hand fetches the first piece, new range requests the others.</summary>
    private async Task<AttemptOutcome> SplitAsync(
        TransferState state,
        PartMetadata metadata,
        HttpResponseMessage response,
        CancellationTokenSource idle,
        CancellationToken cancellationToken)
    {
        var length = metadata.Length!.Value;
        var map = PieceMap.Plan(length, options.Connections, options.MinSplitSize, StealFloor);
        metadata = metadata with { Pieces = map.Snapshot() };
        var handle = OpenPieces(state, length, fresh: true);
        try
        {
            await state.Part.SaveMetadataAsync(metadata, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            handle.Dispose();
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }

        var source = response.RequestMessage?.RequestUri ?? state.Target.Uri;
        var first = map.Take()!;
        return await RunPiecesAsync(state, metadata, map, handle, source, (first, response, idle), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Goes on with a segmented download a killed run or failed attempt left: each unfinished piece where it stopped.</summary>
    private async Task<AttemptOutcome> ResumePiecesAsync(TransferState state, PartMetadata metadata, PieceMap map, CancellationToken cancellationToken)
    {
        var handle = OpenPieces(state, map.Length, fresh: false);
        return await RunPiecesAsync(state, metadata, map, handle, state.Target.Uri, null, cancellationToken).ConfigureAwait(false);
    }

    private static SafeFileHandle OpenPieces(TransferState state, long length, bool fresh)
    {
        try
        {
            return state.Part.OpenForPieces(length, fresh);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }
    }

    private async Task<AttemptOutcome> RunPiecesAsync(
        TransferState state,
        PartMetadata metadata,
        PieceMap map,
        SafeFileHandle handle,
        Uri source,
        (PieceMap.Piece Piece, HttpResponseMessage Reply, CancellationTokenSource Idle)? first,
        CancellationToken cancellationToken)
    {
        using var run = new SegmentRun(state, metadata, map, handle, source, timeProvider.GetTimestamp(), cancellationToken);
        state.Digest.Reset();
        state.Progress.SetPosition(map.Written, map.Length);
        var hasher = HashAheadAsync(run);
        var connections = Math.Max(1, options.Connections);
        var workers = new Task[connections];
        for (var i = 0; i < connections; i++)
        {
            workers[i] = i == 0 && first is { } reply
                ? PieceWorkerAsync(run, reply)
                : PieceWorkerAsync(run, null);
        }

        await Task.WhenAll(workers).ConfigureAwait(false);
        if (run.Failure is null && !cancellationToken.IsCancellationRequested && map.IsComplete)
        {
            try
            {
                await hasher.ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (run.Stop.IsCancellationRequested)
            {
            }
            catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
            {
                run.Fail(HaulErrors.Storage(state.Url, state.Part.Path, ex));
            }
        }
        else
        {
            await run.Stop.CancelAsync().ConfigureAwait(false);
            await hasher.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default).ConfigureAwait(false);
        }

        if (run.Failure is null && !cancellationToken.IsCancellationRequested && state.Digest.Length == map.Length)
        {
            handle.Dispose();
            return Commit(state);
        }

        // Stopped early: keep what is written resumable, by this run's next attempt or by the next run.
        handle.Dispose();
        await SavePiecesQuietlyAsync(run).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        switch (run.Failure)
        {
            case RangesRefusedException refused:
                throw refused;
            case LinkRefusedException link:
                throw link;
            case HaulException error:
                // Each piece had its own retries; the whole download is not tried again on top of them.
                state.RetriesSpent = true;
                throw error;
            case { } other:
                throw HaulErrors.Unexpected(state.Url, other);
            default:
                throw HaulErrors.ShortBody(state.Url, map.Written, map.Length);
        }
    }

    /// <summary>One connection: the reply it was given (if any), then whatever piece the map hands out next.</summary>
    private async Task PieceWorkerAsync(SegmentRun run, (PieceMap.Piece Piece, HttpResponseMessage Reply, CancellationTokenSource Idle)? first)
    {
        await Task.Yield();
        try
        {
            if (first is { } given)
            {
                await FetchPieceAsync(run, given.Piece, given.Reply, given.Idle).ConfigureAwait(false);
            }

            while (!run.Stop.IsCancellationRequested && run.Map.Take() is { } piece)
            {
                await FetchPieceAsync(run, piece, null, null).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (run.Stop.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            run.Fail(ex);
        }
    }

    /// <summary>Fetches one piece to its end, retrying on its own; a retry that made progress starts the count again.</summary>
    private async Task FetchPieceAsync(SegmentRun run, PieceMap.Piece piece, HttpResponseMessage? reply, CancellationTokenSource? replyIdle)
    {
        var failures = 0;
        try
        {
            while (true)
            {
                var before = piece.Written;
                try
                {
                    if (reply is { } given)
                    {
                        reply = null;
                        using (given)
                        {
                            await CopyPieceAsync(run, piece, given, replyIdle!).ConfigureAwait(false);
                        }
                    }
                    else
                    {
                        await RequestPieceAsync(run, piece).ConfigureAwait(false);
                    }

                    var left = run.Map.Remaining(piece);
                    if (left == 0)
                    {
                        await SavePiecesAsync(run, force: true).ConfigureAwait(false);
                        return;
                    }

                    throw HaulErrors.ShortBody(run.State.Url, piece.Written, piece.Written + left);
                }
                catch (HaulException ex) when (!run.Stop.IsCancellationRequested)
                {
                    PauseHostIfAsked(ex, run.State.Target);
                    failures = piece.Written > before ? 1 : failures + 1;
                    if (retryPolicy.NextDelay(ex, failures) is not { } delay)
                    {
                        throw;
                    }

                    await Task.Delay(delay, timeProvider, run.Stop.Token).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            reply?.Dispose();
            run.Map.Release(piece);
        }
    }

    /// <summary>Asks for the rest of the piece with <c>Range</c>, guarded by <c>If-Range</c>, and copies the reply into it.</summary>
    private async Task RequestPieceAsync(SegmentRun run, PieceMap.Piece piece)
    {
        var state = run.State;
        var from = piece.Written;
        var to = from + run.Map.Remaining(piece) - 1;
        if (to < from)
        {
            return;
        }

        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(run.Stop.Token, idle.Token);
        idle.CancelAfter(options.IdleTimeout);
        using var response = await SendAsync(state.Target, run.Source, from, to, run.Metadata, idle, linked.Token, run.Stop.Token).ConfigureAwait(false);
        switch ((int)response.StatusCode)
        {
            case 206:
                var range = response.Content.Headers.ContentRange;
                if (range is not { HasRange: true, From: { } start } || start != from || (range.Length is { } total && total != run.Map.Length))
                {
                    throw new RangesRefusedException($"asked for bytes {from}-{to}, got '{range}'");
                }

                break;
            case >= 200 and < 300:
                // The server stopped taking ranges, or If-Range found the file changed: the pieces cannot be trusted to fit.
                throw new RangesRefusedException($"a full reply ({(int)response.StatusCode}) to a request for bytes {from}-{to}");
            case 416:
                throw new RangesRefusedException($"the server cannot serve bytes {from}-{to} (416)");
            default:
                throw HaulErrors.Status(
                    state.Url,
                    (int)response.StatusCode,
                    response.ReasonPhrase,
                    RetryAfter.From(response.Headers.RetryAfter, timeProvider.GetUtcNow()));
        }

        run.Source = response.RequestMessage?.RequestUri ?? run.Source;
        await CopyPieceAsync(run, piece, response, idle).ConfigureAwait(false);
    }

    /// <summary>Writes the reply's body at the piece's front until the piece ends (a steal may end it early) or the body does.</summary>
    private async Task CopyPieceAsync(SegmentRun run, PieceMap.Piece piece, HttpResponseMessage response, CancellationTokenSource idle)
    {
        var state = run.State;
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(run.Stop.Token, idle.Token);
        var token = linked.Token;
        var readSize = ReadSize(state);
        var buffer = ArrayPool<byte>.Shared.Rent(readSize);
        try
        {
            var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                // The idle timeout counts the server's silence during a read only (see CopyBodyAsync).
                using var reads = new ReadIdleTimer(idle, token, run.Stop.Token, options.IdleTimeout, timeProvider);
                reads.Pause();
                while (true)
                {
                    var left = run.Map.Remaining(piece);
                    if (left <= 0)
                    {
                        return;
                    }

                    var want = (int)Math.Min(readSize, left);
                    await ThrottleAsync(state, want, run.Stop.Token).ConfigureAwait(false);
                    reads.Start();
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(0, want), reads.Token).ConfigureAwait(false);
                        reads.Pause();
                    }
                    catch (OperationCanceledException) when (!run.Stop.IsCancellationRequested)
                    {
                        throw HaulErrors.Idle(state.Url, response.RequestMessage?.RequestUri ?? run.Source, options.IdleTimeout);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        throw HaulErrors.BodyInterrupted(state.Url, response.RequestMessage?.RequestUri ?? run.Source, piece.Written, piece.End, ex);
                    }

                    Unthrottle(state, want - read);
                    if (read == 0)
                    {
                        return;
                    }

                    try
                    {
                        await RandomAccess.WriteAsync(run.Handle, buffer.AsMemory(0, read), piece.Written, run.Stop.Token).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
                    {
                        throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
                    }

                    run.Map.Advance(piece, read);
                    run.Written.Release();
                    state.Progress.Advance(read);
                    tracker.AddBytes(read);
                    if (Interlocked.Add(ref run.UnsavedBytes, read) >= PieceMapSaveBytes
                        || timeProvider.GetElapsedTime(Interlocked.Read(ref run.SavedAt)) >= TimeSpan.FromSeconds(1))
                    {
                        await SavePiecesAsync(run, force: false).ConfigureAwait(false);
                    }
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Hashes the file as its written front moves, so the SHA-256 is ready when the last piece lands.</summary>
    private async Task HashAheadAsync(SegmentRun run)
    {
        await Task.Yield();
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(options.BufferSize, 256 * 1024));
        try
        {
            while (run.State.Digest.Length < run.Map.Length)
            {
                var frontier = run.Map.Frontier;
                if (frontier <= run.State.Digest.Length)
                {
                    await run.Written.WaitAsync(run.Stop.Token).ConfigureAwait(false);
                    continue;
                }

                await run.State.Digest.AppendFromFileAsync(run.Handle, frontier, buffer, run.Stop.Token).ConfigureAwait(false);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes the piece map to the .part's metadata; one save at a time, a save already under way is enough.</summary>
    private async ValueTask SavePiecesAsync(SegmentRun run, bool force)
    {
        if (!await run.SaveGate.WaitAsync(force ? Timeout.Infinite : 0, run.Stop.Token).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            Interlocked.Exchange(ref run.UnsavedBytes, 0);
            Interlocked.Exchange(ref run.SavedAt, timeProvider.GetTimestamp());
            await SaveMapAsync(run, run.Stop.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            throw HaulErrors.Storage(run.State.Url, run.State.Part.MetaPath, ex);
        }
        finally
        {
            run.SaveGate.Release();
        }
    }

    private static async ValueTask SavePiecesQuietlyAsync(SegmentRun run)
    {
        try
        {
            await SaveMapAsync(run, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            // The last periodic save stands: it claims no more than was written.
        }
    }

    private static ValueTask SaveMapAsync(SegmentRun run, CancellationToken cancellationToken) =>
        run.State.Part.SaveMetadataAsync(run.Metadata with { Pieces = run.Map.Snapshot() }, cancellationToken);

    /// <summary>What the connections of one segmented download share.</summary>
    private sealed class SegmentRun(
        TransferState state,
        PartMetadata metadata,
        PieceMap map,
        SafeFileHandle handle,
        Uri source,
        long startedAt,
        CancellationToken cancellationToken) : IDisposable
    {
        private Exception? _failure;

        public long UnsavedBytes;

        public long SavedAt = startedAt;

        public TransferState State { get; } = state;

        public PartMetadata Metadata { get; } = metadata;

        public PieceMap Map { get; } = map;

        public SafeFileHandle Handle { get; } = handle;

        /// <summary>Where the pieces are asked for: the URL after redirects.</summary>
        public Uri Source { get; set; } = source;

        public CancellationTokenSource Stop { get; } = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        /// <summary>Released after every write, so the hasher looks at the written front again.</summary>
        public SemaphoreSlim Written { get; } = new(0, int.MaxValue);

        public SemaphoreSlim SaveGate { get; } = new(1, 1);

        public Exception? Failure => Volatile.Read(ref _failure);

        /// <summary>The first failure stops every connection; later ones are its echoes.</summary>
        public void Fail(Exception error)
        {
            if (Interlocked.CompareExchange(ref _failure, error, null) is null)
            {
                Stop.Cancel();
            }
        }

        public void Dispose()
        {
            Stop.Dispose();
            Written.Dispose();
            SaveGate.Dispose();
        }
    }
}
