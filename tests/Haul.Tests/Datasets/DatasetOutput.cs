using System.Formats.Tar;
using System.Security.Cryptography;
using NetVips;
using Parquet;

namespace Haul.Tests.Datasets;

/// <summary>Reads a data set's output back for assertions: tar members, Parquet columns, picture sizes, hashes.</summary>
internal static class DatasetOutput
{
    /// <summary>Every member of a shard's tar, in order, with its bytes.</summary>
    public static List<(string Name, byte[] Content)> ReadTar(string path)
    {
        var members = new List<(string, byte[])>();
        using var stream = File.OpenRead(path);
        using var tar = new TarReader(stream);
        while (tar.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            members.Add((entry.Name, content.ToArray()));
        }

        return members;
    }

    /// <summary>The string columns of a shard's Parquet file (its first row group), by name.</summary>
    public static async Task<Dictionary<string, string?[]>> ReadParquetAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        using var group = reader.OpenRowGroupReader(0);
        var columns = new Dictionary<string, string?[]>(StringComparer.Ordinal);
        foreach (var field in reader.Schema.GetDataFields().Where(f => f.ClrType == typeof(string) || f.ClrType == typeof(ReadOnlyMemory<char>)))
        {
            var values = new string?[group.RowCount];
            await group.ReadAsync(field, values.AsMemory()!, null, TestContext.Current.CancellationToken);
            columns[field.Name] = values;
        }

        return columns;
    }

    /// <summary>A picture's decoded width and height.</summary>
    public static (int Width, int Height) Size(byte[] picture)
    {
        using var image = Image.NewFromBuffer(picture);
        return (image.Width, image.Height);
    }

    public static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
