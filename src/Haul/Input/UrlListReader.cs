using System.Runtime.CompilerServices;
using Haul.Checksums;

namespace Haul.Input;

/// <summary>
/// Reads an aria2-style URL list as a stream: a URL at the start of a line, indented
/// <c>key=value</c> lines under it (<c>out=</c>, <c>dir=</c>, <c>checksum=ALGO=HEX</c>, <c>header=Name: value</c>,
/// <c>max-download-limit=RATE</c>), blank lines
/// and <c>#</c> comments ignored. Only the entry being read is held in memory.
/// </summary>
public static class UrlListReader
{
    /// <summary>
    /// Yields one request per URL line. Bad lines become requests with an <see cref="DownloadRequest.InputError"/>:
    /// a line longer than 64 KiB is skipped (never held whole) and reading goes on; a NUL character
    /// means the input is not a text list, and reading stops there with one failed request.
    /// </summary>
    public static async IAsyncEnumerable<DownloadRequest> ReadAsync(
        TextReader reader,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var scanner = new InputLineScanner(reader);
        DownloadRequest? pending = null;
        while (await scanner.NextAsync(cancellationToken).ConfigureAwait(false) is { } scanned)
        {
            var lineNumber = scanned.Number;
            if (scanned.Text is not { } line)
            {
                if (pending is not null)
                {
                    yield return pending;
                    pending = null;
                }

                yield return Unreadable(scanned);
                continue;
            }

            var trimmed = line.Trim();
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            if (char.IsWhiteSpace(line[0]))
            {
                pending = pending is null ? null : ApplyOption(pending, trimmed, lineNumber);
                continue;
            }

            if (pending is not null)
            {
                yield return pending;
            }

            pending = new DownloadRequest(trimmed) { Line = lineNumber };
        }

        if (pending is not null)
        {
            yield return pending;
        }
    }

    /// <summary>
    /// An over-long line is named by its number and first characters, and options under it are
    /// dropped with it; a binary line ends the list.
    /// </summary>
    private static DownloadRequest Unreadable(InputLine line)
    {
        var shown = new string([.. line.Prefix.Where(c => !char.IsControl(c))]);

        // The line is cut, so its '@' may be gone and a password could no longer be recognised:
        // nothing after the first ':' of the authority is shown.
        var scheme = shown.IndexOf("://", StringComparison.Ordinal);
        var colon = scheme < 0 ? -1 : shown.IndexOf(':', scheme + 3);
        shown = (colon < 0 ? shown : shown[..(colon + 1)]) + "\u2026";
        var reason = line.Binary
            ? $"Input looks binary (NUL byte on line {line.Number}); stopped reading."
            : $"Line {line.Number} is longer than 64 KiB (65,536 characters); it was skipped.";
        return new DownloadRequest(shown) { InputError = reason };
    }

    internal static DownloadRequest ApplyOption(DownloadRequest request, string option, int lineNumber)
    {
        if (request.InputError is not null)
        {
            return request;
        }

        var eq = option.IndexOf('=', StringComparison.Ordinal);
        var key = eq > 0 ? option[..eq].Trim().ToLowerInvariant() : option;
        var value = eq > 0 ? option[(eq + 1)..].Trim() : string.Empty;
        switch (key)
        {
            case "out" when value.Length > 0:
                return request with { OutName = value };
            case "dir" when value.Length > 0:
                return request with { Directory = value };
            case "checksum":
                return Checksum.TryParse(value, out var checksum, out var error)
                    ? request with { Checksum = checksum }
                    : request with { InputError = $"checksum={value}: {error}." };
            case "max-download-limit":
                return ByteSize.TryParse(value, out var rate)
                    ? request with { RateLimit = rate }
                    : request with { InputError = $"max-download-limit={value}: a rate is a positive number of bytes per second with an optional K, M or G suffix." };
            case "header":
                return Http.HeaderLine.TryParse(value, out var header, out var headerError)
                    ? request with { Headers = [.. request.Headers, header] }
                    : request with { InputError = $"header={value}: {headerError} (line {lineNumber})." };
            default:
                return request with { InputError = $"unknown or empty option '{option}' under {Http.UrlMask.Mask(request.Url)} (line {lineNumber})." };
        }
    }
}
