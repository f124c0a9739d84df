namespace Haul.Errors;

/// <summary>The stable names of <see cref="ErrorKind"/> used in JSON output and messages.</summary>
public static class ErrorKindNames
{
    /// <summary>The contract name of a kind, such as <c>invalid-url</c> or <c>http</c>.</summary>
    public static string ToName(this ErrorKind kind) => kind switch
    {
        ErrorKind.InvalidUrl => "invalid-url",
        ErrorKind.Dns => "dns",
        ErrorKind.Connect => "connect",
        ErrorKind.Tls => "tls",
        ErrorKind.Timeout => "timeout",
        ErrorKind.Http => "http",
        ErrorKind.Redirect => "redirect",
        ErrorKind.Protocol => "protocol",
        ErrorKind.Checksum => "checksum",
        ErrorKind.Io => "io",
        ErrorKind.Scope => "scope",
        ErrorKind.Cancelled => "cancelled",
        ErrorKind.Decode => "decode",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}
