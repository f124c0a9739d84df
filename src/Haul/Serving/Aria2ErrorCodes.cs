using Haul.Errors;

namespace Haul.Serving;

/// <summary>aria2's numeric exit codes for Haul's error kinds, as front-ends show them.</summary>
internal static class Aria2ErrorCodes
{
    public static int For(HaulException error) => error switch
    {
        HttpStatusException { StatusCode: 404 } => 3,
        HttpStatusException { StatusCode: 401 or 403 or 407 } => 24,
        HttpStatusException => 22,
        _ => error.Kind switch
        {
            ErrorKind.Dns => 19,
            ErrorKind.Connect => 6,
            ErrorKind.Timeout => 2,
            ErrorKind.Redirect => 23,
            ErrorKind.Protocol => 8,
            ErrorKind.Checksum => 32,
            ErrorKind.Io => 16,
            ErrorKind.InvalidUrl => 28,
            _ => 1,
        },
    };
}
