using System.Globalization;
using System.Text;

namespace Haul.Http;

/// <summary>
/// The <c>cookies.txt</c> format of Netscape and Mozilla, as browser extensions export it and curl,
/// wget and yt-dlp read it: one cookie a line, seven tab-separated fields (domain, include
/// subdomains, path, secure, expiry in Unix seconds with 0 for a session cookie, name, value);
/// <c>#HttpOnly_</c> before the domain marks an HttpOnly cookie, other <c>#</c> lines are comments.
/// </summary>
internal static class NetscapeCookieFile
{
    private const string HttpOnlyPrefix = "#HttpOnly_";

    /// <summary>Reads every cookie that has not expired; lines that are not cookies are passed over, as curl does.</summary>
    public static List<StoredCookie> Read(string path, DateTimeOffset now)
    {
        var cookies = new List<StoredCookie>();
        foreach (var line in File.ReadLines(path, Encoding.UTF8))
        {
            if (ParseLine(line) is { } cookie && !cookie.IsExpired(now))
            {
                cookies.Add(cookie);
            }
        }

        return cookies;
    }

    internal static StoredCookie? ParseLine(string line)
    {
        var httpOnly = line.StartsWith(HttpOnlyPrefix, StringComparison.Ordinal);
        if (httpOnly)
        {
            line = line[HttpOnlyPrefix.Length..];
        }
        else if (line.StartsWith('#'))
        {
            return null;
        }

        var fields = line.TrimEnd('\r', '\n').Split('\t');
        if (fields.Length is < 6 or > 7)
        {
            return null;
        }

        var domain = fields[0].Trim().ToLowerInvariant();
        var includeSubdomains = IsTrue(fields[1]);
        var path = fields[2].Length == 0 ? "/" : fields[2];
        var name = fields[5];
        if (domain.TrimStart('.').Length == 0 || name.Length == 0 || !path.StartsWith('/')
            || !long.TryParse(fields[4], NumberStyles.None, CultureInfo.InvariantCulture, out var expiry))
        {
            return null;
        }

        // A leading dot is the older way to say "and its subdomains".
        var hostOnly = !includeSubdomains && !domain.StartsWith('.');
        return new StoredCookie(
            name,
            fields.Length == 7 ? fields[6] : string.Empty,
            domain.TrimStart('.'),
            hostOnly,
            path,
            IsTrue(fields[3]),
            httpOnly,
            expiry == 0 ? null : DateTimeOffset.FromUnixTimeSeconds(Math.Min(expiry, 253_402_300_799)));
    }

    /// <summary>Writes the cookies to <paramref name="path"/> through a temporary file, readable by its owner only: cookies are credentials.</summary>
    public static async Task WriteAsync(string path, IEnumerable<StoredCookie> cookies, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder()
            .Append("# Netscape HTTP Cookie File\n")
            .Append("# Written by haul. Edit at your own risk.\n\n");
        foreach (var cookie in cookies)
        {
            text.Append(cookie.HttpOnly ? HttpOnlyPrefix : string.Empty)
                .Append(cookie.HostOnly ? cookie.Domain : "." + cookie.Domain).Append('\t')
                .Append(cookie.HostOnly ? "FALSE" : "TRUE").Append('\t')
                .Append(cookie.Path).Append('\t')
                .Append(cookie.Secure ? "TRUE" : "FALSE").Append('\t')
                .Append(cookie.Expires is { } expires ? expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : "0").Append('\t')
                .Append(cookie.Name).Append('\t')
                .Append(cookie.Value).Append('\n');
        }

        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            await using (var stream = new FileStream(temporary, options))
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(text.ToString()), cancellationToken).ConfigureAwait(false);
            }

            File.Move(temporary, full, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }
    }

    private static bool IsTrue(string field) => field.Trim().Equals("TRUE", StringComparison.OrdinalIgnoreCase);
}
