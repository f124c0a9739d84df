using System.Text.Json;
using Haul.Distributed;

namespace Haul.Cli.Output;

/// <summary>Writes one JSON object per result, one per line, in the contract's field names.</summary>
internal sealed class JsonResultWriter(TextWriter output)
{
    private readonly MemoryStream _buffer = new();

    public async Task WriteAsync(DownloadResult result)
    {
        _buffer.SetLength(0);
        using (var json = new Utf8JsonWriter(_buffer))
        {
            ResultJson.Write(json, result);
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length));
        await output.FlushAsync();
    }
}
