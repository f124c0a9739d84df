using System.Globalization;
using Haul.Checksums;
using Haul.Errors;
using Haul.Http;
using Haul.Input;
using Haul.Storage;

namespace Haul.Serving;

/// <summary>
/// aria2's per-download options, checked and turned into a <see cref="DownloadRequest"/>. A bad
/// value is refused with a message naming the option, as aria2 refuses it. <c>dir</c> and
/// <c>out</c> never leave the daemon's directory: an absolute <c>dir</c> must lie inside it, <c>..</c>
/// and symbolic links on the way are refused.
/// </summary>
internal static class ServedOptions
{
    /// <summary>Options a download keeps and reports; values of engine-wide ones (split, proxy) are recorded, the daemon's flags decide.</summary>
    public static readonly IReadOnlySet<string> Known = new HashSet<string>(StringComparer.Ordinal)
    {
        "dir", "out", "checksum", "max-download-limit", "header", "user-agent", "referer", "split",
        "max-connection-per-server", "min-split-size", "all-proxy", "pause", "max-tries", "retry-wait",
        "timeout", "connect-timeout", "allow-overwrite", "continue", "auto-file-renaming", "http-user", "http-passwd",
    };

    /// <summary>The request for <paramref name="url"/> under <paramref name="options"/>; throws <see cref="InvalidUrlException"/> naming a refused option.</summary>
    public static DownloadRequest ToRequest(string url, IReadOnlyDictionary<string, string> options, string outputDirectory)
    {
        var request = new DownloadRequest(url);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, value) in options)
        {
            switch (name)
            {
                case "dir":
                    request = request with { Directory = Inside(url, value, outputDirectory) };
                    break;
                case "out":
                    NoControlCharacters(url, name, value);
                    if (OutPath.Problem(value) is { } problem)
                    {
                        throw Refused(url, name, problem);
                    }

                    request = request with { OutName = value };
                    break;
                case "checksum":
                    request = Checksum.TryParse(value, out var checksum, out var error)
                        ? request with { Checksum = checksum }
                        : throw Refused(url, name, error ?? "not ALGO=HEX");
                    break;
                case "max-download-limit":
                    request = request with { RateLimit = Size(url, name, value) is > 0 and var rate ? rate : null };
                    break;
                case "header":
                    foreach (var line in value.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    {
                        headers.Add(HeaderLine.TryParse(line, out var header, out var headerError) ? header : throw Refused(url, name, headerError));
                    }

                    break;
                case "user-agent":
                    headers.Add(HeaderLine.TryParse($"User-Agent: {value}", out var agent, out var agentError) ? agent : throw Refused(url, name, agentError));
                    break;
                case "referer":
                    headers.Add(HeaderLine.TryParse($"Referer: {value}", out var referer, out var refererError) ? referer : throw Refused(url, name, refererError));
                    break;
                default:
                    Check(url, name, value);
                    break;
            }
        }

        return headers.Count == 0 ? request : request with { Headers = headers };
    }

    /// <summary>Checks a value that the request does not carry (numbers, switches).</summary>
    public static void Check(string url, string name, string value)
    {
        switch (name)
        {
            case "split" or "max-tries":
                Whole(url, name, value, name == "split" ? 1 : 0, 10_000);
                break;
            case "max-connection-per-server":
                Whole(url, name, value, 1, DownloadOptions.MaxConnections);
                break;
            case "min-split-size":
                if (Size(url, name, value) < 1024 * 1024)
                {
                    throw Refused(url, name, "must be at least 1M");
                }

                break;
            case "max-download-limit" or "max-overall-download-limit":
                Size(url, name, value);
                break;
            case "retry-wait" or "timeout" or "connect-timeout":
                Whole(url, name, value, 0, 600);
                break;
            case "pause" or "allow-overwrite" or "continue" or "auto-file-renaming":
                if (value is not ("true" or "false"))
                {
                    throw Refused(url, name, "must be true or false");
                }

                break;
            case "all-proxy":
                if (value.Length > 0 && !Uri.TryCreate(value.Contains("://", StringComparison.Ordinal) ? value : "http://" + value, UriKind.Absolute, out _))
                {
                    throw Refused(url, name, "is not a proxy URL");
                }

                break;
        }
    }

    /// <summary>A size or rate as aria2 writes it (<c>0</c>, <c>512K</c>, <c>10M</c>).</summary>
    public static long Size(string url, string name, string value) =>
        ByteSize.TryParse(value, out var bytes) && bytes >= 0 ? bytes : throw Refused(url, name, "must be a number of bytes with an optional K, M or G suffix");

    public static int Whole(string url, string name, string value, int min, int max) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? number
            : throw Refused(url, name, $"must be a whole number from {min} to {max}");

    /// <summary><paramref name="dir"/> as a folder below the output directory (null for the directory itself), or refused.</summary>
    public static string? Inside(string url, string dir, string outputDirectory)
    {
        NoControlCharacters(url, "dir", dir);
        var root = Path.GetFullPath(outputDirectory);
        if (dir.Split(['/', '\\']).Any(part => part == ".."))
        {
            throw Refused(url, "dir", $"'{dir}' leaves the daemon's directory ('..' is not allowed)");
        }

        var full = Path.GetFullPath(Path.IsPathRooted(dir) ? dir : Path.Combine(root, dir));
        var relative = Path.GetRelativePath(root, full);
        if (relative == ".")
        {
            return null;
        }

        if (Path.IsPathRooted(relative) || relative.StartsWith("..", StringComparison.Ordinal))
        {
            throw Refused(url, "dir", $"'{dir}' is outside the daemon's directory {root}");
        }

        var walked = root;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar))
        {
            walked = Path.Combine(walked, part);
            if (NoFollow.IsLink(walked))
            {
                throw Refused(url, "dir", $"'{dir}' goes through a symbolic link");
            }
        }

        return relative;
    }

    /// <summary>A name with NUL, a line break or another control character names no file: refused before it reaches the file system.</summary>
    private static void NoControlCharacters(string url, string name, string value)
    {
        if (value.Any(char.IsControl))
        {
            throw Refused(url, name, "it holds a control character");
        }
    }

    private static InvalidUrlException Refused(string url, string name, string reason) =>
        HaulErrors.BadOption(url, name, reason);
}
