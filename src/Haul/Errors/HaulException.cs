namespace Haul.Errors;

/// <summary>
/// The base of every failure Haul reports. Each <see cref="ErrorKind"/> has one sealed subclass;
/// the message is one sentence that names the URL or file.
/// </summary>
public abstract class HaulException : Exception
{
    private protected HaulException(string url, string message, Exception? innerException)
        : base(message, innerException)
    {
        Url = url;
    }

    /// <summary>The URL of the download that failed, as requested.</summary>
    public string Url { get; }

    /// <summary>What kind of failure this is.</summary>
    public abstract ErrorKind Kind { get; }

    /// <summary>Whether another attempt may succeed (connect, timeout, protocol, some HTTP statuses).</summary>
    public virtual bool IsTransient => false;
}

/// <summary>The URL, or an option given with it, cannot be used.</summary>
public sealed class InvalidUrlException : HaulException
{
    internal InvalidUrlException(string url, string message) : base(url, message, null) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.InvalidUrl;
}

/// <summary>The host name could not be resolved.</summary>
public sealed class DnsException : HaulException
{
    internal DnsException(string url, string host, Exception? inner)
        : base(url, $"The host '{host}' could not be found ({url}).", inner)
    {
        Host = host;
    }

    /// <summary>The host name that did not resolve.</summary>
    public string Host { get; }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Dns;
}

/// <summary>No connection could be made, or it was refused or reset before a response.</summary>
public sealed class ConnectException : HaulException
{
    internal ConnectException(string url, string message, Exception? inner) : base(url, message, inner) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Connect;

    /// <inheritdoc/>
    public override bool IsTransient => true;
}

/// <summary>The TLS handshake with the server failed.</summary>
public sealed class TlsException : HaulException
{
    internal TlsException(string url, string message, Exception? inner) : base(url, message, inner) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Tls;
}

/// <summary>No byte arrived within the idle timeout, or connecting took longer than allowed.</summary>
public sealed class TransferTimeoutException : HaulException
{
    internal TransferTimeoutException(string url, string message, Exception? inner) : base(url, message, inner) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Timeout;

    /// <inheritdoc/>
    public override bool IsTransient => true;
}

/// <summary>The server answered with a status code of 400 or more.</summary>
public sealed class HttpStatusException : HaulException
{
    internal HttpStatusException(string url, int statusCode, string? reason, TimeSpan? retryAfter)
        : base(url, $"{statusCode} {reason ?? "error"} from {url}.", null)
    {
        StatusCode = statusCode;
        RetryAfter = retryAfter;
    }

    /// <summary>The HTTP status code.</summary>
    public int StatusCode { get; }

    /// <summary>How long the server asked us to wait (<c>Retry-After</c>), if it did.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Http;

    /// <inheritdoc/>
    public override bool IsTransient => StatusCode is 408 or 425 or 429 or 500 or 502 or 503 or 504;
}

/// <summary>A redirect loop, or more redirects than allowed.</summary>
public sealed class RedirectException : HaulException
{
    internal RedirectException(string url, string message) : base(url, message, null) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Redirect;
}

/// <summary>The reply broke the protocol: a body shorter than announced, a wrong range, a dropped connection.</summary>
public sealed class ProtocolException : HaulException
{
    private readonly bool _transient;

    internal ProtocolException(string url, string message, Exception? inner) : this(url, message, inner, transient: true) { }

    // Not transient: a reply that breaks the protocol by itself (a bad length, broken framing); asking again gets the same reply.
    internal ProtocolException(string url, string message, Exception? inner, bool transient)
        : base(url, message, inner)
    {
        _transient = transient;
    }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Protocol;

    /// <inheritdoc/>
    public override bool IsTransient => _transient;
}

/// <summary>The downloaded body does not match the expected checksum.</summary>
public sealed class ChecksumException : HaulException
{
    internal ChecksumException(string url, string expected, string actual, string algorithm)
        : base(url, $"The {algorithm} of {url} is {actual}, expected {expected}.", null)
    {
        Expected = expected;
        Actual = actual;
    }

    /// <summary>The expected digest, lower-case hex.</summary>
    public string Expected { get; }

    /// <summary>The digest of what was received, lower-case hex.</summary>
    public string Actual { get; }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Checksum;
}

/// <summary>A file could not be written or renamed: disk full, permission, bad path.</summary>
public sealed class StorageException : HaulException
{
    internal StorageException(string url, string message, Exception? inner) : base(url, message, inner) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Io;
}

/// <summary>Refused by crawl or security rules.</summary>
public sealed class ScopeException : HaulException
{
    internal ScopeException(string url, string message) : base(url, message, null) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Scope;
}

/// <summary>The download was stopped (Ctrl+C or a cancelled token) before it finished.</summary>
public sealed class DownloadCancelledException : HaulException
{
    internal DownloadCancelledException(string url)
        : base(url, $"The download of {url} was interrupted; its .part file is kept for resume.", null) { }

    internal DownloadCancelledException(string url, string message)
        : base(url, message, null) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Cancelled;
}

/// <summary>The body is not an image that can be decoded: corrupt, truncated, of an unknown type, or past the pixel limit.</summary>
public sealed class DecodeException : HaulException
{
    internal DecodeException(string url, string message, Exception? inner) : base(url, message, inner) { }

    /// <inheritdoc/>
    public override ErrorKind Kind => ErrorKind.Decode;
}
