using Haul.Errors;
using Haul.Storage;

namespace Haul.Transfer;

internal sealed partial class ResumableTransfer
{
    private async Task<AttemptOutcome> AttemptAsync(TransferState state, CancellationToken cancellationToken)
    {
        // Only this attempt's own body may spare the commit its read-back, never an earlier one's.
        state.WrittenInOneWrite = false;
        var (offset, metadata) = await FindResumePointAsync(state, cancellationToken).ConfigureAwait(false);
        if (options.MaxFileSize is { } limit && metadata?.Length is { } recorded && recorded > limit)
        {
            // A .part left by a run without the limit: its recorded length already says no.
            state.Part.Delete();
            throw HaulErrors.TooLarge(state.Url, recorded, limit, announced: true);
        }

        if (metadata?.Pieces is { } pieces)
        {
            if (!state.SingleStream && offset == metadata.Length && PieceMap.Restore(pieces, offset, StealFloor) is { } map)
            {
                RaiseStarted(state, 206, metadata.Length, map.Written);
                return await ResumePiecesAsync(state, metadata, map, cancellationToken).ConfigureAwait(false);
            }

            // The .part is full length with holes: only its piece map can resume it.
            (offset, metadata) = (0, null);
        }

        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        idle.CancelAfter(options.IdleTimeout);

        using var response = await SendAsync(state.Target, state.Target.Uri, offset, null, metadata, idle, linked.Token, cancellationToken).ConfigureAwait(false);
        var status = (int)response.StatusCode;
        var headers = response.Content.Headers;
        long? length;

        if (status == 304 && offset == 0 && state.Target.Existing is not null)
        {
            return new AttemptOutcome(state.Target.Path, NotModified: true);
        }

        if (status == 206 && offset > 0)
        {
            var range = headers.ContentRange;
            if (range is not { HasRange: true, From: { } from } || from != offset)
            {
                state.DiscardPart = true;
                throw HaulErrors.BadRange(state.Url, $"asked for bytes {offset}-, got '{range}'");
            }

            if (metadata?.Length is { } known && range.Length is { } total && known != total)
            {
                state.DiscardPart = true;
                throw HaulErrors.BadRange(state.Url, $"the length changed from {known} to {total}");
            }

            length = range.Length ?? metadata?.Length;
        }
        else if (status == 416 && offset > 0)
        {
            // The range starts at the end: the .part may already hold the whole body.
            if (headers.ContentRange?.Length == offset && metadata?.Length == offset)
            {
                await state.Digest.SyncWithFileAsync(state.Part.Handle, offset, options.BufferSize, cancellationToken).ConfigureAwait(false);
                return Commit(state);
            }

            state.DiscardPart = true;
            throw HaulErrors.BadRange(state.Url, $"the server cannot serve bytes {offset}- (416)");
        }
        else if (status == 206)
        {
            state.DiscardPart = true;
            throw HaulErrors.BadRange(state.Url, "a partial reply to a request for the whole file");
        }
        else if (status is >= 200 and < 300)
        {
            // A full body: the server ignored Range, or If-Range found the file changed. Start over, never splice.
            offset = 0;
            length = headers.ContentLength;
            if (state.Target.Request.Filter?.Refuse(headers.ContentType?.MediaType, length) is { } reason)
            {
                throw new ContentRefusedException(reason);
            }

            metadata = new PartMetadata(state.Url, PartMetadata.UsableETag(RawHeader(response.Headers.NonValidated, "ETag")), headers.LastModified, length);
            await WriteStorageAsync(state, () =>
            {
                state.Part.StartOver(metadata);
                return ValueTask.CompletedTask;
            }).ConfigureAwait(false);
        }
        else
        {
            throw HaulErrors.Status(
                state.Url,
                status,
                response.ReasonPhrase,
                RetryAfter.From(response.Headers.RetryAfter, timeProvider.GetUtcNow()));
        }

        if (options.MaxFileSize is { } maxFileSize && length > maxFileSize)
        {
            // Refused before a byte of the body is read; nothing of it stays on disk.
            state.Part.Delete();
            throw HaulErrors.TooLarge(state.Url, length.Value, maxFileSize, announced: true);
        }

        RaiseStarted(state, status, length, offset);
        state.DispositionName = FileNamer.FromContentDisposition(headers.ContentDisposition, RawHeader(headers.NonValidated, "Content-Disposition")) ?? state.DispositionName;
        if (offset == 0 && metadata is not null && CanSplit(state, response, metadata))
        {
            return await SplitAsync(state, metadata, response, idle, cancellationToken).ConfigureAwait(false);
        }

        await state.Digest.SyncWithFileAsync(state.Part.Handle, offset, options.BufferSize, cancellationToken).ConfigureAwait(false);
        state.Progress.SetPosition(offset, length);

        Microsoft.Win32.SafeHandles.SafeFileHandle file;
        try
        {
            file = state.Part.OpenForWrite(offset);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }

        using (file)
        {
            var received = await CopyBodyAsync(state, response, file, offset, idle, linked.Token, cancellationToken).ConfigureAwait(false);
            if (headers.ContentLength is { } expected && received < expected)
            {
                throw HaulErrors.ShortBody(state.Url, offset + received, offset + expected);
            }

            // A 206 may carry less than the rest of the file (its Content-Length agrees with its range,
            // not with the file): the file's total decides. Short is transient, and the next attempt
            // asks for what is missing; past the total the bytes on disk cannot be trusted.
            if (length is { } total && offset + received != total)
            {
                if (offset + received < total)
                {
                    throw HaulErrors.ShortBody(state.Url, offset + received, total);
                }

                state.DiscardPart = true;
                throw HaulErrors.BadRange(state.Url, $"{offset + received} bytes arrived for a file of {total}");
            }
        }

        return Commit(state);
    }

    private async ValueTask<(long Offset, PartMetadata? Metadata)> FindResumePointAsync(TransferState state, CancellationToken cancellationToken)
    {
        if (state.DiscardPart)
        {
            state.DiscardPart = false;
            return (0, null);
        }

        var offset = state.Part.ExistingLength();
        if (offset == 0)
        {
            return (0, null);
        }

        var metadata = await state.Part.LoadMetadataAsync(cancellationToken).ConfigureAwait(false);

        // Without a validator the server cannot tell us the file changed, so the bytes are not trusted.
        return metadata is not null && metadata.Url == state.Url && metadata.HasValidator
            ? (offset, metadata)
            : (0, null);
    }

    /// <summary>Sends a GET for bytes <paramref name="offset"/> to <paramref name="end"/> (or to the end of the file), following redirects.</summary>
    private Task<HttpResponseMessage> SendAsync(
        DownloadTarget target,
        Uri uri,
        long offset,
        long? end,
        PartMetadata? metadata,
        CancellationTokenSource idle,
        CancellationToken token,
        CancellationToken cancellationToken) =>
        _sender.SendAsync(
            new Exchange(target.Request, target.Uri, target.Id),
            uri,
            next => BuildRequest(next, offset, end, metadata, target.Existing),
            idle,
            token,
            cancellationToken);

    private static HttpRequestMessage BuildRequest(Uri uri, long offset, long? end, PartMetadata? metadata, PartMetadata? existing)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, uri);
        if (offset == 0 && existing is not null)
        {
            // --check-updates: the server answers 304 when the copy on disk is current.
            if (PartMetadata.UsableETag(existing.ETag) is { } etag && System.Net.Http.Headers.EntityTagHeaderValue.TryParse(etag, out var tag))
            {
                request.Headers.IfNoneMatch.Add(tag);
            }

            request.Headers.IfModifiedSince = existing.LastModified;
        }

        if (offset > 0 || end is not null)
        {
            // Resumes and pieces always carry their validator; only the length probe of an unknown
            // file (ServerConfirmsLengthAsync) asks for a range with none, as it keeps no bytes.
            request.Headers.Range = new System.Net.Http.Headers.RangeHeaderValue(offset, end);
            if (metadata is not null)
            {
                request.Headers.IfRange = metadata.StrongETag is { } etag
                    ? new System.Net.Http.Headers.RangeConditionHeaderValue(etag)
                    : new System.Net.Http.Headers.RangeConditionHeaderValue(metadata.LastModified!.Value);
            }
        }

        return request;
    }

    /// <summary>The one value of header <paramref name="name"/>; null when it is missing or repeated.</summary>
    private static string? RawHeader(System.Net.Http.Headers.HttpHeadersNonValidated headers, string name) =>
        headers.TryGetValues(name, out var values) && values.Count == 1 ? values.ToString() : null;

    private static async ValueTask WriteStorageAsync(TransferState state, Func<ValueTask> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            throw HaulErrors.Storage(state.Url, state.Part.Path, ex);
        }
    }
}
