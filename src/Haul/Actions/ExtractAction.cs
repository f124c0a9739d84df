using System.Globalization;
using Haul.Errors;
using Haul.Progress;

namespace Haul.Actions;

/// <summary>
/// <c>--extract</c>: unpacks a finished <c>.zip</c>, <c>.tar</c>, <c>.tar.gz</c> or <c>.tgz</c> into a
/// folder beside it named after it (<c>photos.tar.gz</c> → <c>photos/</c>, or <c>photos.1/</c> when
/// taken). Files of other types are left alone, with a succeeded outcome saying so.
/// </summary>
/// <remarks>
/// The archive is streamed, never loaded whole, and unpacked into a hidden folder that is renamed
/// into place only when every entry succeeded; on any failure or cancellation it is deleted and
/// nothing is left but the untouched archive. Refusals by the security rules (paths or links
/// leading outside, devices, the limits of <see cref="ExtractOptions"/>) have kind
/// <see cref="ErrorKind.Scope"/>; a corrupt or unreadable archive, or a disk error, has kind
/// <see cref="ErrorKind.Io"/>.
/// </remarks>
internal sealed class ExtractAction : IPostDownloadAction
{
    private readonly ExtractOptions _options;

    public ExtractAction(ExtractOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
    }

    public string Name => "extract";

    /// <summary>Whether this action would unpack the file (by its name).</summary>
    public static bool IsArchive(string path) => ArchiveFileName.TryParse(path, out _, out _);

    public async Task<ActionOutcome> RunAsync(CompletedFile file, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (!ArchiveFileName.TryParse(file.Path, out var format, out var folderName))
        {
            return new ActionOutcome(Name, true, $"{file.Path} is not an archive ({ArchiveFileName.KnownSuffixes}); nothing was extracted.");
        }

        var directory = Path.GetDirectoryName(Path.GetFullPath(file.Path))!;
        string? temporary = null;
        try
        {
            temporary = ExtractionFolders.CreateTemporary(directory, folderName);
            var summary = await ExtractIntoAsync(file, format, temporary, cancellationToken).ConfigureAwait(false);
            var name = ExtractionFolders.MoveIntoPlace(temporary, directory, folderName);
            temporary = null;

            var shown = Path.Combine(Path.GetDirectoryName(file.Path) ?? string.Empty, name) + Path.DirectorySeparatorChar;
            return new ActionOutcome(Name, true, $"Extracted {Describe(summary)} into {shown}.");
        }
        catch (ScopeException ex)
        {
            return Failed(ex.Message, ErrorKind.Scope);
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            return Failed($"Could not extract {file.Path}: the archive is corrupt ({Reason(ex)}).", ErrorKind.Io);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex) || ex is NotSupportedException)
        {
            return Failed($"Could not extract {file.Path}: {Reason(ex)}.", ErrorKind.Io);
        }
        finally
        {
            if (temporary is not null)
            {
                ExtractionFolders.DeleteQuietly(temporary);
            }
        }
    }

    private async Task<ExtractionSummary> ExtractIntoAsync(CompletedFile file, ArchiveFormat format, string folder, CancellationToken cancellationToken)
    {
        var archive = new FileStream(file.Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 81920, FileOptions.Asynchronous);
        await using (archive.ConfigureAwait(false))
        {
            // The size on disk, not CompletedFile.Bytes: the ratio is about this file, whatever was reported.
            var refusal = new ExtractionRefusal(file.Url, file.Path);
            var budget = new ExtractionBudget(_options, archive.Length, refusal);
            var extraction = new ArchiveExtraction(folder, budget, refusal);
            await extraction.ExtractAsync(archive, format, cancellationToken).ConfigureAwait(false);
            return extraction.Summary;
        }
    }

    private ActionOutcome Failed(string message, ErrorKind kind) => new(Name, false, message) { Kind = kind };

    private static string Describe(ExtractionSummary summary)
    {
        var files = Count(summary.Files, "file", "files");
        var what = summary.SymbolicLinks == 0 ? files : $"{files} and {Count(summary.SymbolicLinks, "symbolic link", "symbolic links")}";
        return $"{what} ({HumanBytes.Format(summary.Bytes)})";
    }

    private static string Count(int count, string one, string many) =>
        string.Create(CultureInfo.InvariantCulture, $"{count} {(count == 1 ? one : many)}");

    private static string Reason(Exception ex) => HaulErrors.StorageReason(ex).TrimEnd('.');
}
