using System.Buffers;
using Haul.Errors;
using Haul.Storage;
using Microsoft.Win32.SafeHandles;

namespace Haul.Transfer;

internal sealed partial class ResumableTransfer
{
    /// <summary>
    /// Past this many bytes a .part is worth resuming after a crash, so its validators go to disk.
    /// Below it, they are written only when an attempt fails; a kill -9 then costs at most this much.
    /// </summary>
    internal const int MetadataThreshold = 1024 * 1024;

    /// <summary>
    /// The first receive buffer of a body not announced large: a few KiB, so that thousands of slow
    /// transfers in flight cost little; it grows (see <see cref="BodySink"/>) only for a stream
    /// that fills it in one read.
    /// </summary>
    internal const int FirstReceiveBuffer = 16 * 1024;

    /// <summary>The largest receive buffer: fewer reads, writes and hand-offs per byte on a fast stream.</summary>
    internal const int LargeReceiveBuffer = 512 * 1024;

    /// <summary>
    /// The file length past which a body goes from the socket straight into the file, where the
    /// system can (<see cref="SplicePipe"/>, BodySink.Moves.cs): the commit's read-back limit,
    /// below which the file is rehashed against the digest of what was received. Tests lower it
    /// to move small bodies, or set null to compare with bodies that never move.
    /// </summary>
    internal long? MoveAbove { get; init; } = Storage.PartCommit.ReadBackLimit;

    /// <summary>Body bytes that went from the socket straight into a file, over every attempt of this transfer's runs: what tests read to know the move happened.</summary>
    internal long BytesMoved => Interlocked.Read(ref _bytesMoved);

    private long _bytesMoved;

    /// <summary>Where receive buffers come from; tests put a recording pool here.</summary>
    internal ArrayPool<byte> ReceivePool { get; init; } = ArrayPool<byte>.Shared;

    /// <summary>
    /// Streams the body into the file from <paramref name="offset"/>; returns the bytes received.
    /// What arrives is gathered in a pooled buffer and written when the buffer is full, the body
    /// ends, or the network has nothing more at hand and the rest will not fit in the buffer (then
    /// the write overlaps the wait): a small file costs one write however the network sliced it.
    /// </summary>
    private async Task<long> CopyBodyAsync(
        TransferState state,
        HttpResponseMessage response,
        SafeFileHandle file,
        long offset,
        CancellationTokenSource idle,
        CancellationToken token,
        CancellationToken cancellationToken)
    {
        var large = Math.Max(options.BufferSize, LargeReceiveBuffer);
        // Every body starts small, an announced large one too: with many in flight each reads
        // less at a time, and its buffer stays as small as its reads.
        var first = Math.Min(options.BufferSize, FirstReceiveBuffer);
        var end = offset + response.Content.Headers.ContentLength;
        var sink = new BodySink(file, offset, state.Digest, first, large, ReceivePool, end, moveAbove: MayMove(response) ? MoveAbove : null);

        // Whether the body went to disk in one write from byte zero once all of it had arrived
        // (the commit then need not read it back: see PartCommit.FindChange).
        var wholeInOneWrite = false;
        await using (sink.ConfigureAwait(false))
        {
            var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                // The idle timeout counts the server's silence during a read only: waits of our
                // own between reads (a rate limit's turn, the disk, the hasher) are not it.
                using var reads = new ReadIdleTimer(idle, token, cancellationToken, options.IdleTimeout, timeProvider);
                reads.Pause();
                while (true)
                {
                    if (sink.IsFull)
                    {
                        // All of an announced body in the first buffer: the read after this write only sees its end.
                        wholeInOneWrite = offset == 0 && sink.Written == 0 && sink.Received == end;
                        await WriteAsync(state, sink, cancellationToken).ConfigureAwait(false);
                    }

                    var space = await StoreAsync(state, sink.NextSpaceAsync(cancellationToken)).ConfigureAwait(false);
                    // Asked anew each read: the overall limit may change while the body streams.
                    var want = Math.Min(ChunkLimit(state), space.Length);
                    await ThrottleAsync(state, want, cancellationToken).ConfigureAwait(false);
                    reads.Start();
                    int read;
                    try
                    {
                        var reading = body.ReadAsync(space[..want], reads.Token);
                        if (!reading.IsCompleted && sink.WorthWritingWhileWaiting)
                        {
                            // Nothing more at hand: write what is gathered while the next bytes travel.
                            await WriteWhileReadingAsync(state, sink, reading, cancellationToken).ConfigureAwait(false);
                        }

                        read = await reading.ConfigureAwait(false);
                        reads.Pause();
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw HaulErrors.Idle(state.Url, response.RequestMessage?.RequestUri ?? state.Target.Uri, options.IdleTimeout);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        // Keep what arrived before the break: the next attempt resumes after it.
                        await WriteAsync(state, sink, cancellationToken).ConfigureAwait(false);
                        throw HaulErrors.BodyInterrupted(
                            state.Url,
                            response.RequestMessage?.RequestUri ?? state.Target.Uri,
                            sink.Written,
                            state.Progress.Snapshot().Length,
                            ex);
                    }

                    Unthrottle(state, want - read);
                    if (read == 0)
                    {
                        // Either that one write came with the buffer full, and nothing followed it, or
                        // the whole body is still in the buffer and this is its one write.
                        wholeInOneWrite = (wholeInOneWrite && !sink.HasUnwritten) || (offset == 0 && sink.Written == 0);
                        await WriteAsync(state, sink, cancellationToken).ConfigureAwait(false);
                        await WriteStorageAsync(state, sink.CompleteAsync).ConfigureAwait(false);
                        state.WrittenInOneWrite = wholeInOneWrite;
                        return sink.Written - offset;
                    }

                    var movedBefore = sink.Moved;
                    try
                    {
                        sink.Advance(read);
                    }
                    catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
                    {
                        // A moved read meets the hasher's failure: the file it reads back from.
                        throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
                    }

                    Interlocked.Add(ref _bytesMoved, sink.Moved - movedBefore);
                    if (sink.Moved > 0)
                    {
                        // Bytes moved into the file were written without a write of ours.
                        await SaveMetadataIfDueAsync(state, sink, cancellationToken).ConfigureAwait(false);
                    }

                    if (options.MaxFileSize is { } maxFileSize && sink.Received > maxFileSize)
                    {
                        // No length was announced (or it lied): the body is stopped where it passes the limit.
                        state.Part.Delete();
                        throw HaulErrors.TooLarge(state.Url, sink.Received, maxFileSize, announced: false);
                    }

                    state.Progress.Advance(read);
                    tracker.AddBytes(read);
                }
            }
        }
    }

    /// <summary>
    /// Whether the body may be offered to the connection to move into the file: only a plain
    /// HTTP/1.x connection can (<see cref="ReplyHeadGuard"/> over a socket), so a TLS or HTTP/2
    /// body is gathered from its first read instead of showing it on its first reads.
    /// </summary>
    private static bool MayMove(HttpResponseMessage response) =>
        SplicePipe.IsSupported
        && response.Version.Major == 1
        && response.RequestMessage?.RequestUri?.Scheme == Uri.UriSchemeHttp;

    /// <summary>
    /// Writes what <paramref name="sink"/> gathered while a read is under way. A failed write
    /// leaves the read running into the sink's buffer: the buffer is abandoned (never pooled
    /// again) and the read observed, not lost.
    /// </summary>
    private async ValueTask WriteWhileReadingAsync(TransferState state, BodySink sink, ValueTask<int> reading, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(state, sink, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            sink.Abandon();
            _ = reading.AsTask().ContinueWith(static read => _ = read.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>
    /// Writes what <paramref name="sink"/> gathered, on this thread: a write into the page cache
    /// costs less than the hop to the thread pool and back that an asynchronous one takes.
    /// </summary>
    private async ValueTask WriteAsync(TransferState state, BodySink sink, CancellationToken cancellationToken)
    {
        try
        {
            sink.Write();
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }

        await SaveMetadataIfDueAsync(state, sink, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Once a body is worth resuming after a crash, its validators go to disk (<see cref="MetadataThreshold"/>).</summary>
    private async ValueTask SaveMetadataIfDueAsync(TransferState state, BodySink sink, CancellationToken cancellationToken)
    {
        if (!state.Part.MetadataSaved && sink.Written >= MetadataThreshold)
        {
            await WriteStorageAsync(state, () => state.Part.SaveMetadataAsync(cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>Awaits a step of the sink that may write (a full buffer), turning an I/O failure into a storage error.</summary>
    private static async ValueTask<T> StoreAsync<T>(TransferState state, ValueTask<T> step)
    {
        try
        {
            return await step.ConfigureAwait(false);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }
    }

    /// <summary>How much one read asks for: the buffer, or less when a rate limit wants small steps.</summary>
    private int ReadSize(TransferState state) => Math.Min(options.BufferSize, ChunkLimit(state));

    /// <summary>The most one read may ask for under the limits in force now.</summary>
    private int ChunkLimit(TransferState state) =>
        Math.Min(state.RateLimit?.ChunkLimit ?? int.MaxValue, SharedRateLimit?.ChunkLimit ?? int.MaxValue);

    /// <summary>Gives back to the limits what a read asked for but did not bring.</summary>
    private void Unthrottle(TransferState state, int unused)
    {
        if (unused > 0)
        {
            state.RateLimit?.Return(unused);
            SharedRateLimit?.Return(unused);
        }
    }

    /// <summary>Before a read of up to <paramref name="count"/> bytes: waits out the download's own limit (<c>max-download-limit=</c>), then the run's (<c>--limit-rate</c>).</summary>
    private async ValueTask ThrottleAsync(TransferState state, int count, CancellationToken cancellationToken)
    {
        if (state.RateLimit is { } own)
        {
            await own.TakeAsync(count, cancellationToken).ConfigureAwait(false);
        }

        if (SharedRateLimit is { } shared)
        {
            await shared.TakeAsync(count, cancellationToken).ConfigureAwait(false);
        }
    }
}
