namespace Haul.Errors;

/// <summary>What went wrong with a download, as reported in results and JSON lines.</summary>
public enum ErrorKind
{
    /// <summary>The URL, or an option given with it, cannot be used.</summary>
    InvalidUrl,
    /// <summary>The host name could not be resolved.</summary>
    Dns,
    /// <summary>No connection could be made, or it was refused or reset before a response.</summary>
    Connect,
    /// <summary>The TLS handshake failed.</summary>
    Tls,
    /// <summary>No byte arrived within the idle timeout, or the connection took too long.</summary>
    Timeout,
    /// <summary>The server answered with a status code of 400 or more.</summary>
    Http,
    /// <summary>A redirect loop, or more redirects than allowed.</summary>
    Redirect,
    /// <summary>The reply broke the protocol: a short body, a wrong range, a dropped connection.</summary>
    Protocol,
    /// <summary>The body does not match the expected checksum.</summary>
    Checksum,
    /// <summary>The file could not be written: disk full, permission, bad path.</summary>
    Io,
    /// <summary>Refused by crawl or security rules.</summary>
    Scope,
    /// <summary>The download was stopped before it finished.</summary>
    Cancelled,
    /// <summary>The body is not an image that can be decoded (corrupt, truncated, unknown, or past the pixel limit).</summary>
    Decode,
}
