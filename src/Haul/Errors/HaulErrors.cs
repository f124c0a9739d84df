using System.Net.Http;
using System.Net.Sockets;
using System.Security.Authentication;

namespace Haul.Errors;

/// <summary>Turns what the network stack throws into Haul's typed failures.</summary>
internal static class HaulErrors
{
    public static HaulException FromSendFailure(string url, Uri uri, HttpRequestException ex)
    {
        if (FindInner<MalformedReplyException>(ex) is { } malformed)
        {
            return ProtocolViolation(url, $"{Authority(uri)} sent a malformed reply to {url}: {malformed.Message}.", ex);
        }

        var host = uri.IdnHost;
        var socketError = FindInner<SocketException>(ex)?.SocketErrorCode;

        if (ex.HttpRequestError == HttpRequestError.NameResolutionError
            || socketError is SocketError.HostNotFound or SocketError.NoData or SocketError.TryAgain)
        {
            return new DnsException(url, host, ex);
        }

        if (ex.HttpRequestError == HttpRequestError.SecureConnectionError || FindInner<AuthenticationException>(ex) is not null)
        {
            return new TlsException(url, TlsFailure.Describe(Authority(uri), url, Innermost(ex).Message), ex);
        }

        if (FindInner<TimeoutException>(ex) is not null)
        {
            return new TransferTimeoutException(url, $"Connecting to {Authority(uri)} timed out for {url}.", ex);
        }

        return ex.HttpRequestError switch
        {
            HttpRequestError.ConnectionError when socketError is SocketError.ConnectionRefused =>
                new ConnectException(url, $"The connection to {Authority(uri)} was refused for {url}.", ex),
            HttpRequestError.ConnectionError =>
                new ConnectException(url, $"Could not connect to {Authority(uri)} for {url}: {Innermost(ex).Message}", ex),
            HttpRequestError.ResponseEnded =>
                new ProtocolException(url, $"{Authority(uri)} closed the connection before answering {url}.", ex),
            // The handler refused the reply itself (a garbage status line, headers past the limit): the same request gets the same reply.
            HttpRequestError.InvalidResponse or HttpRequestError.ConfigurationLimitExceeded =>
                ProtocolViolation(url, $"{Authority(uri)} sent a malformed reply to {url}: {Innermost(ex).Message}", ex),
            _ => new ProtocolException(url, $"The request for {url} failed: {Innermost(ex).Message}", ex),
        };
    }

    public static ProtocolException BodyInterrupted(string url, Uri uri, long received, long? expected, Exception inner)
    {
        if (FindInner<MalformedReplyException>(inner) is { } malformed)
        {
            return ProtocolViolation(url, $"The reply for {url} from {Authority(uri)} is malformed: {malformed.Message}.", inner);
        }

        if (FindInner<HttpIOException>(inner) is { HttpRequestError: HttpRequestError.InvalidResponse } framing)
        {
            return ProtocolViolation(url, $"The body of {url} from {Authority(uri)} is malformed after {received} bytes: {framing.Message}", inner);
        }

        var of = expected is { } total ? $" of {total}" : string.Empty;
        return new ProtocolException(url, $"The connection to {Authority(uri)} dropped after {received}{of} bytes of {url}.", inner);
    }

    public static ProtocolException ShortBody(string url, long received, long expected) =>
        new(url, $"The body of {url} ended after {received} of {expected} bytes.", null);

    public static ProtocolException BadRange(string url, string detail) =>
        new(url, $"The server sent a wrong range for {url}: {detail}.", null);

    public static TransferTimeoutException Idle(string url, Uri uri, TimeSpan idleTimeout) =>
        new(url, $"No data arrived from {Authority(uri)} for {idleTimeout.TotalSeconds:0.#} s while fetching {url}.", null);

    public static TransferTimeoutException ConnectTimedOut(string url, Uri uri, TimeSpan connectTimeout, Exception? inner) =>
        new(url, $"Connecting to {Authority(uri)} took longer than {connectTimeout.TotalSeconds:0.#} s for {url}.", inner);

    public static StorageException Storage(string url, string path, Exception inner) =>
        new(url, $"Could not write '{path}' for {url}: {StorageReason(inner)}", inner);

    /// <summary>A data set's shard that could not be written to its output folder (a full disk, a file past the file system's largest).</summary>
    public static StorageException DatasetOutput(string shard, string folder, Exception inner) =>
        new(folder, $"Could not build shard {shard} in '{folder}': {StorageReason(inner).TrimEnd('.')}; the shard is left to the next run.", inner);

    /// <summary>What a storage fault says: the runtime's sentence, or for a file past its largest size (EFBIG), ours.</summary>
    public static string StorageReason(Exception inner) =>
        IsFileTooLarge(inner) ? "the file would pass the largest size its file system, or this process's file size limit, allows" : inner.Message;

    /// <summary>
    /// Whether <paramref name="ex"/> is the disk's, not the program's, when writing a file: an
    /// I/O error, a refusal, or a write past the largest file the file system (FAT32: 4 GiB) or
    /// the process's limit allows, which .NET reports (EFBIG) as an out-of-range "value".
    /// </summary>
    public static bool IsStorageFault(Exception ex) => ex is IOException or UnauthorizedAccessException || IsFileTooLarge(ex);

    private static bool IsFileTooLarge(Exception ex) => ex is ArgumentOutOfRangeException { ParamName: "value" };

    /// <summary>A data set shard a worker could not build: its input unreadable or changed, its output folder unwritable.</summary>
    public static StorageException DatasetShard(string label, string path, Exception inner) =>
        new(label, $"Could not build {label} from '{path}': {StorageReason(inner)}", inner);

    public static InvalidUrlException InvalidUrl(string url, int? line, string reason) =>
        new(url, line is { } n ? $"Line {n}: {reason}" : reason);

    /// <summary>A daemon's client gave an option a value it cannot take (aria2's wording names the option).</summary>
    public static InvalidUrlException BadOption(string url, string option, string reason) =>
        new(url, $"We encountered a problem while processing the option '--{option}': {reason}.");

    public static RedirectException RedirectLoop(string url, Uri repeated) =>
        new(url, $"Redirect loop: {url} leads back to {repeated.OriginalString}.");

    public static RedirectException TooManyRedirects(string url, int limit) =>
        new(url, $"More than {limit} redirects while fetching {url}.");

    public static RedirectException BadRedirect(string url, string detail) =>
        new(url, $"The redirect from {url} cannot be followed: {detail}.");

    public static HttpStatusException Status(string url, int statusCode, string? reason, TimeSpan? retryAfter) =>
        new(url, statusCode, reason, retryAfter);

    public static ChecksumException Checksum(string url, string algorithm, string expected, string actual) =>
        new(url, expected, actual, algorithm);

    /// <summary>A bug or an unforeseen fault; reported on its download instead of stopping the run.</summary>
    public static ProtocolException Unexpected(string url, Exception inner) =>
        new(url, $"Fetching {url} failed unexpectedly: {inner.Message}", inner);

    public static ScopeException Scope(string url, string message) => new(url, message);

    /// <summary>The file is larger than <c>--max-filesize</c>: by its announced length, or by what arrived so far.</summary>
    public static ScopeException TooLarge(string url, long size, long limit, bool announced) =>
        new(url, announced
            ? $"{url} is {size} bytes, over --max-filesize {limit} bytes; not downloaded."
            : $"{url} passed --max-filesize {limit} bytes while downloading; stopped and removed.");

    /// <summary>A symbolic link sits where Haul would create or write a file of its own.</summary>
    public static ScopeException SymbolicLink(string url, string path) =>
        new(url, $"refusing to write through a symbolic link: {path}");

    /// <summary>What sits where Haul writes is not a plain file: a FIFO, a device, a file with other hard links.</summary>
    public static ScopeException NotPlainFile(string url, string path, string what) =>
        new(url, $"refusing to write into {path}: it is {what}");

    /// <summary>The <c>.part</c> no longer holds what was written into it (truncated, replaced or rewritten by someone else).</summary>
    public static StorageException PartChanged(string url, string path, string detail) =>
        new(url, $"'{path}' changed on disk while {url} was written into it ({detail}); it was not kept.", null);

    public static DownloadCancelledException Cancelled(string url) => new(url);

    /// <summary>Removed by <see cref="Downloader.Remove"/>: stopped for good, its <c>.part</c> kept.</summary>
    public static DownloadCancelledException Removed(string url) =>
        new(url, $"The download of {url} was removed; any .part file is kept.");

    /// <summary>The image library could not decode the body of <paramref name="url"/>.</summary>
    public static DecodeException Undecodable(string url, Exception inner) =>
        new(url, $"The picture at {url} cannot be decoded: {FirstLine(inner.Message)}", inner);

    /// <summary>The image's header declares more pixels than the limit: a decompression bomb is refused before it is decoded.</summary>
    public static DecodeException TooManyPixels(string url, int width, int height, long limit) =>
        new(url, $"The picture at {url} is {width}x{height}, more than the limit of {limit:N0} pixels; it was not decoded.", null);

    /// <summary>The reply's <c>X-Robots-Tag</c> carries a directive the run honours (<c>noai</c>, <c>noimageai</c>).</summary>
    public static ScopeException RobotsTagRefused(string url, string directive) =>
        new(url, $"{url} was refused: its reply says X-Robots-Tag: {directive}.");

    /// <summary>Resizing the picture would make more pixels than the limit (a thin strip scaled up by its short side).</summary>
    public static DecodeException ResizedTooLarge(string url, int width, int height, int resizedWidth, int resizedHeight, long limit) =>
        new(url, $"The picture at {url} is {width}x{height}; resized it would be {resizedWidth}x{resizedHeight}, more than the limit of {limit:N0} pixels.", null);

    /// <summary>The picture's smaller side is below the data set's minimum.</summary>
    public static ScopeException ImageTooSmall(string url, int width, int height, int minimum) =>
        new(url, $"The picture at {url} is {width}x{height}, smaller than the minimum of {minimum} pixels on each side.");

    /// <summary>The picture is longer or taller than the data set's largest aspect ratio.</summary>
    public static ScopeException AspectRatioTooLarge(string url, int width, int height, double maximum) =>
        new(url, $"The picture at {url} is {width}x{height}, an aspect ratio above the maximum of {maximum.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");

    private static string FirstLine(string text)
    {
        var line = text.AsSpan().Trim();
        var end = line.IndexOfAny('\r', '\n');
        return (end < 0 ? line : line[..end]).TrimEnd().ToString().TrimEnd('.') + ".";
    }

    /// <summary>A reply that breaks HTTP by itself (a bad or conflicting length, broken framing, oversized headers): failed at once, not retried.</summary>
    public static ProtocolException ProtocolViolation(string url, string message, Exception? inner = null) =>
        new(url, message, inner, transient: false);

    /// <summary>A reply from <paramref name="uri"/> that breaks HTTP in the way <paramref name="detail"/> says.</summary>
    public static ProtocolException BadReply(string url, Uri uri, string detail) =>
        ProtocolViolation(url, $"{Authority(uri)} sent a malformed reply to {url}: {detail}.");

    public static RedirectException RedirectDowngrade(string url, Uri from, Uri to) =>
        new(url, $"The redirect from {from.Scheme}://{Authority(from)} to {to.Scheme}://{Authority(to)} would leave TLS for {url}; refused.");

    private static string Authority(Uri uri) => uri.IsDefaultPort ? uri.IdnHost : $"{uri.IdnHost}:{uri.Port}";

    private static T? FindInner<T>(Exception ex) where T : Exception
    {
        for (Exception? e = ex; e is not null; e = e.InnerException)
        {
            if (e is T match)
            {
                return match;
            }
        }

        return null;
    }

    private static Exception Innermost(Exception ex)
    {
        var e = ex;
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
