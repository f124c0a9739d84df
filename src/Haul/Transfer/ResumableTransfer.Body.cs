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

    /// <summary>A body at least this long is copied through <see cref="LargeBodyBuffer"/>.</summary>
    private const long LargeBody = 8L * 1024 * 1024;

    private const int LargeBodyBuffer = 256 * 1024;

    /// <summary>
    /// Streams the body into the file from <paramref name="offset"/> through one pooled buffer;
    /// returns the bytes received. What arrives is gathered in the buffer and written when the
    /// buffer is full, the body ends, or the network has nothing more at hand (then the write
    /// overlaps the wait): a small file costs one write however the network sliced it.
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
        var readSize = ReadSize(state);
        // A large body gets a larger buffer: fewer, larger writes, and fewer hand-offs between threads.
        var size = (response.Content.Headers.ContentLength ?? 0) >= LargeBody ? Math.Max(options.BufferSize, LargeBodyBuffer) : options.BufferSize;
        var buffer = ArrayPool<byte>.Shared.Rent(size);
        var position = offset;
        var start = 0;
        var filled = 0;
        try
        {
            var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                while (true)
                {
                    if (filled == size)
                    {
                        await WriteChunkAsync(state, file, buffer.AsMemory(start, filled - start), position, cancellationToken).ConfigureAwait(false);
                        position += filled - start;
                        start = filled = 0;
                    }

                    var want = Math.Min(readSize, size - filled);
                    await ThrottleAsync(state, want, cancellationToken).ConfigureAwait(false);
                    idle.CancelAfter(options.IdleTimeout);
                    int read;
                    try
                    {
                        var reading = body.ReadAsync(buffer.AsMemory(filled, want), token);
                        if (!reading.IsCompleted && filled > start)
                        {
                            // Nothing more at hand: write what is gathered while the next bytes travel.
                            var pending = buffer.AsMemory(start, filled - start);
                            start = filled;
                            await WriteWhileReadingAsync(state, file, pending, position, reading, cancellationToken).ConfigureAwait(false);
                            position += pending.Length;
                        }

                        read = await reading.ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw HaulErrors.Idle(state.Url, response.RequestMessage?.RequestUri ?? state.Target.Uri, options.IdleTimeout);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        // Keep what arrived before the break: the next attempt resumes after it.
                        await WriteChunkAsync(state, file, buffer.AsMemory(start, filled - start), position, cancellationToken).ConfigureAwait(false);
                        throw HaulErrors.BodyInterrupted(
                            state.Url,
                            response.RequestMessage?.RequestUri ?? state.Target.Uri,
                            state.Digest.Length,
                            state.Progress.Snapshot().Length,
                            ex);
                    }

                    Unthrottle(state, want - read);
                    if (read == 0)
                    {
                        await WriteChunkAsync(state, file, buffer.AsMemory(start, filled - start), position, cancellationToken).ConfigureAwait(false);
                        return position + filled - start - offset;
                    }

                    filled += read;
                    if (options.MaxFileSize is { } maxFileSize && position + filled - start > maxFileSize)
                    {
                        // No length was announced (or it lied): the body is stopped where it passes the limit.
                        state.Part.Delete();
                        throw HaulErrors.TooLarge(state.Url, position + filled - start, maxFileSize, announced: false);
                    }

                    state.Progress.Advance(read);
                    tracker.AddBytes(read);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Writes <paramref name="data"/> while a read is under way; a failed write leaves the read to be observed, not lost.</summary>
    private async ValueTask WriteWhileReadingAsync(TransferState state, SafeFileHandle file, ReadOnlyMemory<byte> data, long position, ValueTask<int> reading, CancellationToken cancellationToken)
    {
        try
        {
            await WriteChunkAsync(state, file, data, position, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _ = reading.AsTask().ContinueWith(static read => _ = read.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    /// <summary>Writes <paramref name="data"/> at <paramref name="position"/> and hashes it.</summary>
    private async ValueTask WriteChunkAsync(TransferState state, SafeFileHandle file, ReadOnlyMemory<byte> data, long position, CancellationToken cancellationToken)
    {
        if (data.IsEmpty)
        {
            return;
        }

        try
        {
            await RandomAccess.WriteAsync(file, data, position, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }

        state.Digest.Append(data.Span);
        if (!state.Part.MetadataSaved && state.Digest.Length >= MetadataThreshold)
        {
            await WriteStorageAsync(state, () => state.Part.SaveMetadataAsync(cancellationToken)).ConfigureAwait(false);
        }
    }

    /// <summary>How much one read asks for: the buffer, or less when a rate limit wants small steps.</summary>
    private int ReadSize(TransferState state) =>
        Math.Min(options.BufferSize, Math.Min(state.RateLimit?.ChunkLimit ?? int.MaxValue, _rateLimit?.ChunkLimit ?? int.MaxValue));

    /// <summary>Gives back to the limits what a read asked for but did not bring.</summary>
    private void Unthrottle(TransferState state, int unused)
    {
        if (unused > 0)
        {
            state.RateLimit?.Return(unused);
            _rateLimit?.Return(unused);
        }
    }

    /// <summary>Before a read of up to <paramref name="count"/> bytes: waits out the download's own limit (<c>max-download-limit=</c>), then the run's (<c>--limit-rate</c>).</summary>
    private async ValueTask ThrottleAsync(TransferState state, int count, CancellationToken cancellationToken)
    {
        if (state.RateLimit is { } own)
        {
            await own.TakeAsync(count, cancellationToken).ConfigureAwait(false);
        }

        if (_rateLimit is { } shared)
        {
            await shared.TakeAsync(count, cancellationToken).ConfigureAwait(false);
        }
    }
}
