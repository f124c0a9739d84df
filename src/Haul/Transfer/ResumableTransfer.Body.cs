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

    /// <summary>A body up to this long is read back and rehashed before it is committed (see <see cref="VerifyPart"/>).</summary>
    internal const long ReadBackLimit = 64L * 1024 * 1024;

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
        Math.Min(options.BufferSize, Math.Min(state.RateLimit?.ChunkLimit ?? int.MaxValue, SharedRateLimit?.ChunkLimit ?? int.MaxValue));

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
