using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Haul.Cli.Serve;

/// <summary>How the daemon writes JSON: as aria2 does, quotes and apostrophes plain (replies are never embedded in HTML).</summary>
internal static class RpcJson
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static Utf8JsonWriter Writer(IBufferWriter<byte> buffer) => new(buffer, Options);

    public static Utf8JsonWriter Writer(Stream stream) => new(stream, Options);
}
