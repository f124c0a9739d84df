using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Haul.Serving;

namespace Haul.Cli.Serve;

/// <summary>
/// aria2's JSON-RPC 2.0 over a <see cref="DownloadTable"/>: one request or a batch in, the reply
/// out, with aria2's shapes and error codes. The secret is checked in constant time on every
/// <c>aria2.*</c> and <c>haul.*</c> call, each entry of <c>system.multicall</c> included.
/// </summary>
internal sealed partial class RpcDispatcher
{
    private const string TokenPrefix = "token:";
    private readonly DownloadTable _table;
    private readonly byte[]? _secretDigest;
    private readonly GlobalOptions _global;
    private readonly string _sessionId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20));

    public RpcDispatcher(DownloadTable table, string? secret, GlobalOptions global)
    {
        _table = table;
        _global = global;
        _secretDigest = secret is null ? null : SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    // Handling is synchronous from start to end, so a thread-static flag belongs to one request.
    [ThreadStatic]
    private static bool t_shutdownAsked;

    [ThreadStatic]
    private static int t_httpStatus;

    [ThreadStatic]
    private static bool t_readOnly;

    /// <summary>Methods that change nothing: the only ones HTTP GET may call when no secret is set.</summary>
    private static readonly HashSet<string> ReadOnlyMethods = new(StringComparer.Ordinal)
    {
        "aria2.tellStatus", "aria2.getUris", "aria2.getFiles", "aria2.getServers", "aria2.tellActive",
        "aria2.tellWaiting", "aria2.tellStopped", "aria2.getOption", "aria2.getGlobalOption",
        "aria2.getGlobalStat", "aria2.getVersion", "aria2.getSessionInfo",
        "system.multicall", "system.listMethods", "system.listNotifications",
    };

    /// <summary>
    /// The reply to a request body (one call or a batch); never throws for what a client sent.
    /// <paramref name="shutdown"/> is set when it held <c>aria2.shutdown</c>: the daemon stops once the reply is sent.
    /// </summary>
    public byte[] Handle(ReadOnlySpan<byte> body, out bool shutdown) => Handle(body, out shutdown, out _);

    /// <summary>
    /// As <see cref="Handle(ReadOnlySpan{byte}, out bool)"/>, with the HTTP status aria2 sends it
    /// with: 400 for a single call that failed, 500 for a body that is not JSON, else 200.
    /// </summary>
    public byte[] Handle(ReadOnlySpan<byte> body, out bool shutdown, out int httpStatus) => Handle(body, readOnly: false, out shutdown, out httpStatus);

    private byte[] Handle(ReadOnlySpan<byte> body, bool readOnly, out bool shutdown, out int httpStatus)
    {
        t_shutdownAsked = false;
        t_httpStatus = 200;
        t_readOnly = readOnly;
        try
        {
            var reply = Handle(body);
            shutdown = t_shutdownAsked;
            httpStatus = t_httpStatus;
            return reply;
        }
        finally
        {
            t_readOnly = false;
        }
    }

    private byte[] Handle(ReadOnlySpan<byte> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = RpcJson.Writer(buffer))
        {
            JsonDocument document;
            try
            {
                var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 32 });
                document = JsonDocument.ParseValue(ref reader);
            }
            catch (JsonException)
            {
                WriteError(json, default, new RpcFault(RpcFault.ParseError, "Parse error."));
                json.Flush();
                t_httpStatus = 500;
                return buffer.WrittenSpan.ToArray();
            }

            using (document)
            {
                if (document.RootElement.ValueKind == JsonValueKind.Array)
                {
                    json.WriteStartArray();
                    foreach (var call in document.RootElement.EnumerateArray())
                    {
                        HandleOne(json, call);
                    }

                    json.WriteEndArray();
                }
                else if (!HandleOne(json, document.RootElement))
                {
                    t_httpStatus = 400;
                }
            }
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>
    /// The reply to HTTP GET's <c>method</c>, <c>id</c> and base64 <c>params</c>, as AriaNg sends them.
    /// Without a secret only methods that change nothing are answered: a page elsewhere can make a
    /// browser send a GET (a picture's address) with no Origin to refuse it by.
    /// </summary>
    public byte[] HandleQuery(string? method, string? id, string? base64Params, out bool shutdown, out int httpStatus)
    {
        shutdown = false;
        httpStatus = 500;
        var body = new ArrayBufferWriter<byte>();
        using (var json = RpcJson.Writer(body))
        {
            json.WriteStartObject();
            json.WriteString("jsonrpc", "2.0");
            if (id is not null)
            {
                json.WriteString("id", id);
            }

            if (method is not null)
            {
                json.WriteString("method", method);
            }

            if (base64Params is not null)
            {
                byte[] decoded;
                try
                {
                    var text = base64Params.Replace('-', '+').Replace('_', '/').Replace(' ', '+');
                    decoded = Convert.FromBase64String(text.PadRight(text.Length + ((4 - (text.Length % 4)) % 4), '='));
                }
                catch (FormatException)
                {
                    decoded = "!"u8.ToArray();
                }

                json.WritePropertyName("params");
                try
                {
                    using var parsed = JsonDocument.Parse(decoded);
                    parsed.RootElement.WriteTo(json);
                }
                catch (JsonException)
                {
                    // Not JSON: the call is answered as a parse error.
                    return ParseErrorReply();
                }
            }

            json.WriteEndObject();
        }

        return Handle(body.WrittenSpan, readOnly: _secretDigest is null, out shutdown, out httpStatus);
    }

    /// <summary>aria2's error reply (code 1, no id) for a request refused before it reaches a method.</summary>
    public static byte[] FailureReply(string message)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = RpcJson.Writer(buffer))
        {
            WriteError(json, default, RpcFault.Failed(message));
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static byte[] ParseErrorReply()
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = RpcJson.Writer(buffer))
        {
            WriteError(json, default, new RpcFault(RpcFault.ParseError, "Parse error."));
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>Writes the reply to one call; false when it is an error.</summary>
    private bool HandleOne(Utf8JsonWriter json, JsonElement call)
    {
        JsonElement id = default;
        if (call.ValueKind == JsonValueKind.Object && call.TryGetProperty("id", out var given))
        {
            id = given;
        }

        if (call.ValueKind != JsonValueKind.Object
            || !call.TryGetProperty("method", out var method) || method.ValueKind != JsonValueKind.String
            || (call.TryGetProperty("params", out var raw) && raw.ValueKind != JsonValueKind.Array))
        {
            WriteError(json, id, new RpcFault(RpcFault.InvalidRequest, "Invalid Request."));
            return false;
        }

        var parameters = call.TryGetProperty("params", out var list) ? list.EnumerateArray().ToList() : [];
        var name = method.GetString()!;
        try
        {
            // Written into a scratch writer first, so that a fault half way leaves no half reply.
            var scratch = new ArrayBufferWriter<byte>();
            using (var result = RpcJson.Writer(scratch))
            {
                Call(result, name, parameters);
            }

            json.WriteStartObject();
            WriteId(json, id);
            json.WriteString("jsonrpc", "2.0");
            json.WritePropertyName("result");
            json.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
            json.WriteEndObject();
            return true;
        }
        catch (RpcFault fault)
        {
            WriteError(json, id, fault);
        }
        catch (Errors.HaulException ex)
        {
            WriteError(json, id, RpcFault.Failed(ex.Message));
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A fault of the daemon's own: this call fails, the connection and the other calls go on.
            WriteError(json, id, RpcFault.Internal());
        }

        return false;
    }

    /// <summary>One call: the token checked and taken off, then the method.</summary>
    private void Call(Utf8JsonWriter json, string method, List<JsonElement> parameters)
    {
        if (t_readOnly && !ReadOnlyMethods.Contains(method))
        {
            throw RpcFault.Failed($"{method} changes the daemon's state: over HTTP GET it needs --rpc-secret (use POST or the WebSocket)");
        }

        if (method.StartsWith("aria2.", StringComparison.Ordinal) || method.StartsWith("haul.", StringComparison.Ordinal))
        {
            parameters = Authorize(parameters);
        }

        Dispatch(json, method, new RpcParams(parameters));
    }

    /// <summary>Takes a leading <c>"token:…"</c> off; refuses the call when a secret is set and the token is not it.</summary>
    private List<JsonElement> Authorize(List<JsonElement> parameters)
    {
        string? token = null;
        if (parameters.Count > 0 && parameters[0].ValueKind == JsonValueKind.String && parameters[0].GetString() is { } first && first.StartsWith(TokenPrefix, StringComparison.Ordinal))
        {
            token = first[TokenPrefix.Length..];
            parameters = parameters[1..];
        }

        if (_secretDigest is not null)
        {
            // Digests of equal length, compared in constant time: neither the secret nor its length leaks.
            var given = SHA256.HashData(Encoding.UTF8.GetBytes(token ?? string.Empty));
            if (token is null || !CryptographicOperations.FixedTimeEquals(given, _secretDigest))
            {
                throw RpcFault.Unauthorized();
            }
        }

        return parameters;
    }

    private static void WriteError(Utf8JsonWriter json, JsonElement id, RpcFault fault)
    {
        json.WriteStartObject();
        WriteId(json, id);
        json.WriteString("jsonrpc", "2.0");
        json.WritePropertyName("error");
        WriteFault(json, fault);
        json.WriteEndObject();
    }

    private static void WriteFault(Utf8JsonWriter json, RpcFault fault)
    {
        json.WriteStartObject();
        json.WriteNumber("code", fault.Code);
        json.WriteString("message", fault.Message);
        json.WriteEndObject();
    }

    private static void WriteId(Utf8JsonWriter json, JsonElement id)
    {
        json.WritePropertyName("id");
        if (id.ValueKind is JsonValueKind.String or JsonValueKind.Number)
        {
            id.WriteTo(json);
        }
        else
        {
            json.WriteNullValue();
        }
    }
}
