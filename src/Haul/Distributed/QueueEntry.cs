using System.Text.Json;
using Haul.Checksums;
using Haul.Crawling;
using Haul.Journal;

namespace Haul.Distributed;

/// <summary>
/// One entry of a job's queue, as JSON: a file to download (with its input options) or, in a
/// crawl, a page to visit or a picture it found.
/// </summary>
internal sealed record QueueEntry
{
    public const string FileKind = "file";
    public const string PageKind = "page";
    public const string ImageKind = "image";

    /// <summary>A whole shard of a data set, built by one worker with the data set pipeline.</summary>
    public const string DatasetShardKind = "dataset-shard";

    public required string Kind { get; init; }

    /// <summary>
    /// The URL as given, a password in it included: the worker that takes the entry needs it to
    /// fetch. Everything a worker writes back (the results stream, its journal) shows it masked,
    /// and the dedupe key leaves the user information out.
    /// </summary>
    public required string Url { get; init; }

    public string? Out { get; init; }

    public string? Dir { get; init; }

    public string? Checksum { get; init; }

    public int? Line { get; init; }

    public string? Page { get; init; }

    public string? Alt { get; init; }

    public string? Title { get; init; }

    public int? Depth { get; init; }

    public string? Seed { get; init; }

    /// <summary>The shard of a <see cref="DatasetShardKind"/> entry.</summary>
    public Datasets.DatasetShardTask? Shard { get; init; }

    /// <summary>How often a page was tried and failed for a transient reason.</summary>
    public int? Attempts { get; init; }

    /// <summary>The key the queue deduplicates by: the normalized URL, pages apart from files.</summary>
    public string DedupeKey => Kind switch
    {
        PageKind => "page " + Key(Url),
        DatasetShardKind => "dataset-shard " + Url,
        _ => Key(Url),
    };

    public static QueueEntry FromRequest(DownloadRequest request) => new()
    {
        Kind = FileKind,
        Url = request.Url.Trim(),
        Out = request.OutName,
        Dir = request.Directory,
        Checksum = request.Checksum?.ToString(),
        Line = request.Line,
    };

    public static QueueEntry FromPage(FrontierPage page) => new()
    {
        Kind = PageKind,
        Url = page.Url,
        Depth = page.Depth,
        Seed = page.Seed,
    };

    public static QueueEntry FromImage(FrontierImage image) => new()
    {
        Kind = ImageKind,
        Url = image.Url,
        Dir = image.Directory,
        Page = image.Page,
        Alt = image.Alt,
        Title = image.Title,
    };

    public static QueueEntry FromShard(Datasets.DatasetShardTask shard)
    {
        ArgumentNullException.ThrowIfNull(shard);
        return new() { Kind = DatasetShardKind, Url = shard.Label, Shard = shard };
    }

    public FrontierPage ToPage() => new("page " + Key(Url), Url, Depth ?? 0, Seed ?? Url);

    public FrontierImage ToImage() => new(Key(Url), Url, Dir, Page ?? Url, Alt, Title);

    /// <summary>The request of a file entry. Options that no longer parse become an input error, as in a URL list.</summary>
    public DownloadRequest ToRequest()
    {
        var request = new DownloadRequest(Url) { OutName = Out, Directory = Dir, Line = Line };
        if (Checksum is null)
        {
            return request;
        }

        return Checksums.Checksum.TryParse(Checksum, out var checksum, out var error)
            ? request with { Checksum = checksum }
            : request with { InputError = $"checksum={Checksum}: {error}." };
    }

    public string ToJson() => JsonSerializer.Serialize(this, DistributedJson.Default.QueueEntry);

    public static QueueEntry? Parse(string? json)
    {
        if (json is null)
        {
            return null;
        }

        try
        {
            return JsonSerializer.Deserialize(json, DistributedJson.Default.QueueEntry);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The normalized URL; text that is no URL keys as itself.</summary>
    public static string Key(string url) =>
        Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri) ? UrlKey.From(uri) : url.Trim();
}
