using Haul.Errors;
using Haul.Events;
using Haul.Storage;

namespace Haul.Transfer;

/// <summary>
/// Validates a request, consults the archive and the journal, and reserves its target path. It
/// runs in input order, before any transfer starts, so that the names chosen for colliding URLs
/// do not depend on timing, and so that what is already done is answered without a request.
/// It reads the run's records; a new target it reserves is told to them as an event.
/// </summary>
internal sealed class DownloadPlanner(
    DownloadOptions options,
    NameReservations names,
    IDownloadRecords? records,
    EventHub? events = null)
{
    /// <param name="request">The request, as read from the source.</param>
    /// <param name="id">The download's number in the run's events.</param>
    public PlanResult Plan(DownloadRequest request, long id = 0)
    {
        // From here on only the masked URL is seen: results, journal, archive and messages.
        request = TakeLogin(request);
        if (request.InputError is { } inputError)
        {
            return PlanResult.Fail(request, HaulErrors.InvalidUrl(request.Url, request.Line, inputError));
        }

        if (!TryParseHttpUrl(request.Url, out var uri))
        {
            return PlanResult.Fail(request, HaulErrors.InvalidUrl(request.Url, request.Line, $"'{request.Url}' is not a valid http(s) URL."));
        }

        if (records?.FindArchived(uri) is { } archived)
        {
            return PlanResult.Done(new DownloadResult
            {
                Request = request,
                Status = DownloadStatus.Skipped,
                Path = archived.Path,
                Bytes = archived.Size,
                Sha256 = archived.Sha256,
                Note = "in the archive",
            });
        }

        if (request.OutName is { } outName && OutPath.Problem(outName) is { } outProblem)
        {
            return PlanResult.Fail(request, HaulErrors.InvalidUrl(request.Url, request.Line, $"out={outProblem}."));
        }

        var (outDirectory, fixedName) = OutPath.Split(request.OutName);
        var directory = OutputDirectory.Resolve(OutputDirectory.Resolve(options.Directory, request.Directory), outDirectory);
        var urlKey = NameReservations.UrlKey(request.Url, directory, fixedName);
        if (!names.TryReserveUrl(urlKey, request.Line, out var firstLine))
        {
            return PlanResult.Done(new DownloadResult
            {
                Request = request,
                Status = DownloadStatus.Skipped,
                Note = firstLine is { } line ? $"same URL as line {line}" : "same URL as an earlier request",
            });
        }

        var name = fixedName ?? FileNamer.FromUrl(uri);
        var known = records?.Find(request.Url);
        if (known is not null && KnownPathFits(known, directory, fixedName) is { } knownPath
            && PlanKnown(request, uri, directory, fixedName is not null, known, knownPath, urlKey) is { } planned)
        {
            return planned;
        }

        // A file another URL of this directory's journal owns is not ours to skip or overwrite
        // (unless --allow-overwrite says any file at the name may be replaced).
        // (Another process downloading this URL into this directory may have recorded it already.)
        var path = names.Reserve(directory, name, records is null || options.AllowOverwrite ? null : candidate => records.OwnerOf(candidate) is not { } owner || owner == request.Url, urlKey);
        events?.Raise(new TransferPlanned(id, request.Url, events.Now, path));
        return PlanResult.Run(new DownloadTarget(request, uri, directory, name, path, fixedName is not null) { UrlKey = urlKey });
    }

    /// <summary>Moves a password written into the URL into <see cref="DownloadRequest.Login"/>, masking the URL.</summary>
    internal static DownloadRequest TakeLogin(DownloadRequest request)
    {
        if (request.Login is not null)
        {
            return request;
        }

        if (Http.UrlMask.TryTakeLogin(request.Url, out var masked, out var login))
        {
            return request with { Url = masked, Login = login };
        }

        // Not a usable URL, but a password in it is still not for printing. A password that a URI
        // parser does not see as one ('#', '?' or '/' unescaped) would send the request elsewhere
        // (http://admin:12#9k@host/ reads as host "admin", port 12): refused, not fetched.
        var shown = Http.UrlMask.Mask(request.Url);
        return ReferenceEquals(shown, request.Url)
            ? request
            : request with
            {
                Url = shown,
                InputError = request.InputError ?? "the password in the URL must be percent-encoded ('#' as %23, '?' as %3F, '/' as %2F).",
            };
    }

    /// <summary>An absolute http(s) URL; the URI never carries user information (a login travels as a header).</summary>
    internal static bool TryParseHttpUrl(string text, out Uri uri)
    {
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out uri!)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.IdnHost.Length > 0)
        {
            uri = Http.UrlMask.WithoutUserInfo(uri);
            return true;
        }

        uri = null!;
        return false;
    }

    /// <summary>
    /// Plans a URL at the path the journal has for it; null when another URL of this run holds that
    /// path already (with <c>--allow-overwrite</c> it may have taken the name): its file there is
    /// not this URL's, to report done or to replace, and the URL is planned under a new name.
    /// </summary>
    private PlanResult? PlanKnown(DownloadRequest request, Uri uri, string directory, bool nameIsFixed, KnownDownload known, string path, UInt128 urlKey)
    {
        if (!names.ReserveExact(path, urlKey))
        {
            return null;
        }

        var target = new DownloadTarget(request, uri, directory, Path.GetFileName(path), path, nameIsFixed) { UrlKey = urlKey };
        var file = new FileInfo(path);
        if (!known.Done)
        {
            // Queued, active or failed: go again, resuming a .part if one is there.
            return PlanResult.Run(target);
        }

        if (!file.Exists)
        {
            return PlanResult.Run(target);
        }

        if (file.Length != known.Size)
        {
            return PlanResult.Run(target with { ReplacesExisting = true });
        }

        if (options.CheckUpdates)
        {
            return PlanResult.Run(target with
            {
                ReplacesExisting = true,
                Existing = new PartMetadata(request.Url, known.ETag, known.LastModified, known.Size),
            });
        }

        return PlanResult.Done(new DownloadResult
        {
            Request = request,
            Status = DownloadStatus.Skipped,
            Path = path,
            Bytes = file.Length,
            Sha256 = known.Sha256,
            Note = "already downloaded",
        });
    }

    /// <summary>The journal's path for this URL, unless the request now asks for another place.</summary>
    private string? KnownPathFits(KnownDownload known, string directory, string? fixedName)
    {
        var path = Path.GetFullPath(known.Path);
        var root = Path.GetFullPath(options.Directory) + Path.DirectorySeparatorChar;
        if (!path.StartsWith(root, StringComparison.Ordinal))
        {
            return null;
        }

        var sameDirectory = string.Equals(Path.GetDirectoryName(path), Path.GetFullPath(directory), StringComparison.Ordinal);
        var sameName = fixedName is null || string.Equals(Path.GetFileName(path), fixedName, StringComparison.Ordinal);
        return sameDirectory && sameName ? Path.Combine(directory, Path.GetFileName(path)) : null;
    }
}
