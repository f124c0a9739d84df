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

    /// <summary>Used by the read-back check of a committed body.</summary>
    private const int LargeBodyBuffer = 256 * 1024;

    /// <summary>
    /// The first receive buffer of a body not announced large: a few KiB, so that thousands of slow
    /// transfers in flight cost little; it grows (see <see cref="BodySink"/>) only for a stream
    /// that fills it in one read.
    /// </summary>
    internal const int FirstReceiveBuffer = 16 * 1024;

    /// <summary>The largest receive buffer: fewer reads, writes and hand-offs per byte on a fast stream.</summary>
    internal const int LargeReceiveBuffer = 512 * 1024;

    /// <summary>A body up to this long is read back and rehashed before it is committed (see <see cref="VerifyPart"/>).</summary>
    internal const long ReadBackLimit = 64L * 1024 * 1024;

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
        var limit = Math.Min(state.RateLimit?.ChunkLimit ?? int.MaxValue, _rateLimit?.ChunkLimit ?? int.MaxValue);
        var large = Math.Max(options.BufferSize, LargeReceiveBuffer);
        // Every body starts small, an announced large one too: with many in flight each reads
        // less at a time, and its buffer stays as small as its reads.
        var first = Math.Min(options.BufferSize, FirstReceiveBuffer);
        var sink = new BodySink(file, offset, state.Digest, first, large, end: offset + response.Content.Headers.ContentLength);
        await using (sink.ConfigureAwait(false))
        {
            var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                while (true)
                {
                    if (sink.IsFull)
                    {
                        await WriteAsync(state, sink, cancellationToken).ConfigureAwait(false);
                    }

                    var space = await StoreAsync(state, sink.NextSpaceAsync(cancellationToken)).ConfigureAwait(false);
                    var want = Math.Min(limit, space.Length);
                    await ThrottleAsync(state, want, cancellationToken).ConfigureAwait(false);
                    idle.CancelAfter(options.IdleTimeout);
                    int read;
                    try
                    {
                        var reading = body.ReadAsync(space[..want], token);
                        if (!reading.IsCompleted && sink.WorthWritingWhileWaiting)
                        {
                            // Nothing more at hand: write what is gathered while the next bytes travel.
                            await WriteWhileReadingAsync(state, sink, reading, cancellationToken).ConfigureAwait(false);
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
                        await WriteAsync(state, sink, cancellationToken).ConfigureAwait(false);
                        return sink.Written - offset;
                    }

                    sink.Advance(read);
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

    /// <summary>Writes what <paramref name="sink"/> gathered while a read is under way; a failed write leaves the read to be observed, not lost.</summary>
    private async ValueTask WriteWhileReadingAsync(TransferState state, BodySink sink, ValueTask<int> reading, CancellationToken cancellationToken)
    {
        try
        {
            await WriteAsync(state, sink, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }

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
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
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

    /// <summary>Verifies the finished <c>.part</c> and moves it to its final name (or links it to its twin).</summary>
    private AttemptOutcome Commit(TransferState state)
    {
        if (state.Target.Request.Filter?.MinSize is { } minSize && state.Digest.Length < minSize)
        {
            throw new ContentRefusedException($"{state.Digest.Length} bytes, under --min-size {minSize}");
        }

        VerifyPart(state);

        if (state.Target.Request.Checksum is { } expected && state.Digest.ChecksumHex() is { } actual && actual != expected.Hex)
        {
            state.Part.Delete();
            state.Digest.Reset();
            throw HaulErrors.Checksum(state.Url, expected.AlgorithmName, expected.Hex, actual);
        }

        var target = state.Target;
        var name = target.Name;
        var finalPath = target.Path;
        if (!target.NameIsFixed && state.DispositionName is { } suggested && suggested != name)
        {
            name = suggested;
            finalPath = names.Reserve(target.Directory, name, options.AllowOverwrite ? null : IsFree);
        }

        try
        {
            // A twin that is a link now is not content Haul wrote: link(2) would copy the link itself.
            if (deduplicator?.FindTwin(state.Digest.Sha256Hex(), state.Digest.Length, finalPath) is { } twin && !NoFollow.IsLink(twin))
            {
                return CommitAsLink(state, twin, finalPath, name);
            }

            // Someone may have created the file since it was reserved: never overwrite, take the next
            // name; unless --allow-overwrite, and then rename(2) replaces it in one step, and a link
            // there is refused rather than replaced.
            var replace = options.AllowOverwrite || (target.ReplacesExisting && finalPath == target.Path);
            if (options.AllowOverwrite)
            {
                NoFollow.Check(finalPath);
            }

            while (!state.Part.TryCommit(finalPath, replace))
            {
                finalPath = names.Reserve(target.Directory, name, IsFree);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw HaulErrors.Storage(state.Url, finalPath, ex);
        }

        return new AttemptOutcome(finalPath);
    }

    /// <summary>
    /// <c>--dedupe</c>: the same bytes are already on disk, so the final name becomes a hard link to
    /// them. Where a link cannot be made, nothing is stored and the result names the first copy.
    /// </summary>
    private AttemptOutcome CommitAsLink(TransferState state, string twin, string finalPath, string name)
    {
        var staging = state.Part.Path + ".link";
        NoFollow.Check(staging);
        File.Delete(staging);
        if (!HardLink.TryCreate(twin, staging, out var error))
        {
            state.Part.Discard();
            return new AttemptOutcome(twin, Note: $"same content as {twin}; not stored again (a hard link failed: {error})");
        }

        var replace = state.Target.ReplacesExisting && finalPath == state.Target.Path;
        while (true)
        {
            try
            {
                File.Move(staging, finalPath, overwrite: replace);
                break;
            }
            catch (IOException) when (!replace && File.Exists(finalPath))
            {
                finalPath = names.Reserve(state.Target.Directory, name, IsFree);
            }
        }

        state.Part.Discard();
        return new AttemptOutcome(finalPath, Note: $"hard link to {twin}, which has the same content");
    }

    /// <summary>
    /// Makes sure the reported SHA-256 is that of the bytes on disk. The digest is computed from
    /// the stream as it is written, which is right as long as nothing else writes the .part. The
    /// claim's lock keeps every other Haul transfer out; outside writers are caught here. The
    /// length through the handle and the identity of the name (a system call each) catch a
    /// truncated or replaced file. A truncation followed by more of our writes leaves the right
    /// length with a zero-filled gap, and a rewrite in place keeps both, so a body up to
    /// <see cref="ReadBackLimit"/> is also read back through the locked handle and rehashed: from
    /// the page cache, about what hashing it cost the first time, and nothing next to the
    /// transfer. Above the limit (a re-read of gigabytes) only the two cheap checks run.
    /// </summary>
    private static void VerifyPart(TransferState state)
    {
        var length = state.Digest.Length;
        string? problem;
        try
        {
            problem = state.Part.CheckIntact(length);
            if (problem is null && length <= ReadBackLimit && ReadBackSha256(state.Part.Handle, length) != state.Digest.Sha256Hex())
            {
                problem = "its bytes are not the ones received";
            }

            if (problem is not null)
            {
                // Nothing in it can be trusted, nor resumed by a later attempt or run.
                state.Part.Reset();
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }

        if (problem is not null)
        {
            state.Digest.Reset();
            state.DiscardPart = true;
            throw HaulErrors.PartChanged(state.Url, state.Part.Path, problem);
        }
    }

    private static string ReadBackSha256(SafeFileHandle handle, long length)
    {
        using var sha256 = System.Security.Cryptography.IncrementalHash.CreateHash(System.Security.Cryptography.HashAlgorithmName.SHA256);
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(LargeBodyBuffer, Math.Max(length, 1)));
        try
        {
            for (long position = 0; position < length;)
            {
                var read = RandomAccess.Read(handle, buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - position)), position);
                if (read == 0)
                {
                    break;
                }

                sha256.AppendData(buffer, 0, read);
                position += read;
            }

            return Convert.ToHexStringLower(sha256.GetCurrentHash());
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static bool IsFree(string path) => !File.Exists(path) && !File.Exists(path + PartFile.Suffix);
}
