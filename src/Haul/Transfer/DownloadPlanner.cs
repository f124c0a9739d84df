using Haul.Errors;
using Haul.Storage;

namespace Haul.Transfer;

/// <summary>
/// Validates a request and reserves its target path. It runs in input order, before any
/// transfer starts, so that the names chosen for colliding URLs do not depend on timing.
/// </summary>
internal sealed class DownloadPlanner(DownloadOptions options, NameReservations names)
{
    /// <summary>Either a target to download, or the failure that makes downloading pointless.</summary>
    public (DownloadTarget? Target, HaulException? Error) Plan(DownloadRequest request)
    {
        if (request.InputError is { } inputError)
        {
            return (null, HaulErrors.InvalidUrl(request.Url, request.Line, inputError));
        }

        if (!TryParseHttpUrl(request.Url, out var uri))
        {
            return (null, HaulErrors.InvalidUrl(request.Url, request.Line, $"'{request.Url}' is not a valid http(s) URL."));
        }

        var directory = OutputDirectory.Resolve(options.Directory, request.Directory);
        var fixedName = FileNamer.Sanitize(request.OutName);
        var name = fixedName ?? FileNamer.FromUrl(uri);
        var path = names.Reserve(directory, name);
        return (new DownloadTarget(request, uri, directory, name, path, fixedName is not null), null);
    }

    internal static bool TryParseHttpUrl(string text, out Uri uri)
    {
        if (Uri.TryCreate(text.Trim(), UriKind.Absolute, out uri!)
            && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
            && uri.IdnHost.Length > 0)
        {
            return true;
        }

        uri = null!;
        return false;
    }
}
