using System.Buffers;
using Haul.Errors;
using Haul.Storage;

namespace Haul.Transfer;

internal sealed partial class ResumableTransfer
{
    /// <summary>
    /// Past this many bytes a .part is worth resuming after a crash, so its validators go to disk.
    /// Below it, they are written only when an attempt fails; a kill -9 then costs at most this much.
    /// </summary>
    internal const int MetadataThreshold = 1024 * 1024;

    /// <summary>Streams the body into the file through one pooled buffer; returns the bytes received.</summary>
    private async Task<long> CopyBodyAsync(
        TransferState state,
        HttpResponseMessage response,
        FileStream file,
        CancellationTokenSource idle,
        CancellationToken token,
        CancellationToken cancellationToken)
    {
        var readSize = ReadSize(state);
        var buffer = ArrayPool<byte>.Shared.Rent(readSize);
        long received = 0;
        try
        {
            var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                while (true)
                {
                    await ThrottleAsync(state, readSize, cancellationToken).ConfigureAwait(false);
                    idle.CancelAfter(options.IdleTimeout);
                    int read;
                    try
                    {
                        read = await body.ReadAsync(buffer.AsMemory(0, readSize), token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
                    {
                        throw HaulErrors.Idle(state.Url, response.RequestMessage?.RequestUri ?? state.Target.Uri, options.IdleTimeout);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException)
                    {
                        throw HaulErrors.BodyInterrupted(
                            state.Url,
                            response.RequestMessage?.RequestUri ?? state.Target.Uri,
                            state.Digest.Length,
                            state.Progress.Snapshot().Length,
                            ex);
                    }

                    Unthrottle(state, readSize - read);
                    if (read == 0)
                    {
                        return received;
                    }

                    idle.CancelAfter(options.IdleTimeout);
                    try
                    {
                        await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                    {
                        throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
                    }

                    state.Digest.Append(buffer.AsSpan(0, read));
                    if (!state.Part.MetadataSaved && state.Digest.Length >= MetadataThreshold)
                    {
                        await WriteStorageAsync(state, () => state.Part.SaveMetadataAsync(cancellationToken)).ConfigureAwait(false);
                    }

                    received += read;
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
            finalPath = names.Reserve(target.Directory, name, IsFree);
        }

        try
        {
            if (deduplicator?.FindTwin(state.Digest.Sha256Hex(), state.Digest.Length, finalPath) is { } twin)
            {
                return CommitAsLink(state, twin, finalPath, name);
            }

            // Someone may have created the file since it was reserved: never overwrite, take the next name.
            while (!state.Part.TryCommit(finalPath, target.ReplacesExisting && finalPath == target.Path))
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

    private static bool IsFree(string path) => !File.Exists(path) && !File.Exists(path + PartFile.Suffix);
}
