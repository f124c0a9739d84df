using System.Net;
using Haul.Events;
using Haul.Storage;

namespace Haul.Transfer;

internal sealed partial class ResumableTransfer
{
    /// <summary>How often a transfer looks again at a .part another process holds.</summary>
    private static readonly TimeSpan ClaimPoll = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Claims the .part, waiting while another process holds it and its .part keeps changing.
    /// False once it has not changed for the idle timeout: that holder is stuck or slow, and this
    /// run reports the file skipped instead of waiting for ever.
    /// </summary>
    private async Task<bool> ClaimAsync(PartFile part, CancellationToken cancellationToken)
    {
        var seen = (Length: -1L, Since: timeProvider.GetTimestamp());
        while (!part.TryClaim())
        {
            var info = new FileInfo(part.Path);
            var length = info.Exists ? info.Length : -2;
            if (length != seen.Length)
            {
                seen = (length, timeProvider.GetTimestamp());
            }
            else if (timeProvider.GetElapsedTime(seen.Since) >= options.IdleTimeout)
            {
                return false;
            }

            await Task.Delay(ClaimPoll, timeProvider, cancellationToken).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>
    /// A file is at the target, this transfer holds the (empty) .part, and the planner did not know
    /// the file as this URL's. The journal is asked again (another process may have just finished
    /// it); failing that, the file is adopted only when the server confirms its length. Null: it
    /// is not this URL's body, and is to be fetched again and replaced.
    /// </summary>
    private async Task<DownloadResult?> AdoptExistingAsync(DownloadTarget target, long started, CancellationToken cancellationToken)
    {
        var size = new FileInfo(target.Path).Length;
        var url = target.Request.Url;
        if (records?.FindLatest(url) is { Done: true } known
            && known.Size == size
            && string.Equals(Path.GetFullPath(known.Path), Path.GetFullPath(target.Path), StringComparison.Ordinal))
        {
            events?.Raise(new FileAdopted(target.Id, url, events.Now, target.Path, size, known.Sha256, known.ETag, known.LastModified, known.Attempts));
            return Skipped(target, "already downloaded", started) with { Bytes = size, Sha256 = known.Sha256 };
        }

        if (!await ServerConfirmsLengthAsync(target, size, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        // A kill between the rename and the clean-up can leave the metadata of the finished .part.
        var meta = target.Path + PartFile.MetaSuffix;
        NoFollow.Check(meta);
        File.Delete(meta);
        string? sha256 = null;
        if (records is { KeepsJournal: true })
        {
            await using var stream = new FileStream(target.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            sha256 = Convert.ToHexStringLower(await System.Security.Cryptography.SHA256.HashDataAsync(stream, cancellationToken).ConfigureAwait(false));
            events?.Raise(new FileAdopted(target.Id, url, events.Now, target.Path, size, sha256, null, null, 0));
        }

        return Skipped(target, "already exists", started) with { Bytes = size, Sha256 = sha256 };
    }

    /// <summary>
    /// Asks for the bytes from <paramref name="size"/> on: a 416 with <c>Content-Range: bytes */SIZE</c>,
    /// or a 206 or 200 whose total is <paramref name="size"/>, says the file has the server's
    /// length. A body that comes anyway is never read: the reply is disposed after its headers.
    /// It goes through the transfer's own send path (redirect rules, framing checks, timeouts);
    /// any failure here only means "not confirmed", and the download that follows has the retries.
    /// </summary>
    private async Task<bool> ServerConfirmsLengthAsync(DownloadTarget target, long size, CancellationToken cancellationToken)
    {
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        idle.CancelAfter(options.IdleTimeout);
        try
        {
            using var response = await SendAsync(target, target.Uri, size, null, null, idle, linked.Token, cancellationToken).ConfigureAwait(false);
            var headers = response.Content.Headers;
            return response.StatusCode switch
            {
                HttpStatusCode.RequestedRangeNotSatisfiable or HttpStatusCode.PartialContent => headers.ContentRange?.Length == size,
                HttpStatusCode.OK => headers.ContentLength == size,
                _ => false,
            };
        }
        catch (Errors.HaulException)
        {
            return false;
        }
    }

    private DownloadResult Skipped(DownloadTarget target, string note, long started) => new()
    {
        Request = target.Request,
        Status = DownloadStatus.Skipped,
        Path = target.Path,
        Note = note,
        Elapsed = timeProvider.GetElapsedTime(started),
    };
}
