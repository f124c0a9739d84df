using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Haul.Tests.Serve;

/// <summary>JSON-RPC over HTTP POST, as aria2 front-ends call: the whole reply object back, error or result.</summary>
public sealed class RpcClient(string url, string? secret = null) : IDisposable
{
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(60) };
    private int _id;

    /// <summary>Calls <paramref name="method"/>; the token first when a secret is set (aria2.* methods only).</summary>
    public async Task<JsonElement> CallAsync(string method, params JsonNode?[] parameters)
    {
        var list = new JsonArray();
        if (secret is not null && !method.StartsWith("system.", StringComparison.Ordinal))
        {
            list.Add($"token:{secret}");
        }

        foreach (var parameter in parameters)
        {
            list.Add(parameter?.DeepClone());
        }

        var call = new JsonObject { ["jsonrpc"] = "2.0", ["id"] = $"{Interlocked.Increment(ref _id)}", ["method"] = method, ["params"] = list };
        return await PostAsync(call.ToJsonString());
    }

    /// <summary>Posts a raw body; the parsed reply.</summary>
    public async Task<JsonElement> PostAsync(string body)
    {
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var response = await _http.PostAsync(url, content);

        // As aria2: 400 for a failed call, 500 for a body that is not JSON, each with its JSON-RPC error.
        if (response.StatusCode is not (System.Net.HttpStatusCode.OK or System.Net.HttpStatusCode.BadRequest or System.Net.HttpStatusCode.InternalServerError))
        {
            response.EnsureSuccessStatusCode();
        }
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.Clone();
    }

    /// <summary>The result of a call that must succeed.</summary>
    public async Task<JsonElement> ResultAsync(string method, params JsonNode?[] parameters)
    {
        var reply = await CallAsync(method, parameters);
        if (reply.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{method} failed: {error}");
        }

        return reply.GetProperty("result");
    }

    /// <summary>The error object of a call that must fail.</summary>
    public async Task<JsonElement> ErrorAsync(string method, params JsonNode?[] parameters)
    {
        var reply = await CallAsync(method, parameters);
        reply.TryGetProperty("error", out var error).ShouldBeTrue($"{method} should fail: {reply}");
        return error;
    }

    public async Task<string> AddUriAsync(string url, JsonObject? options = null) =>
        (await ResultAsync("aria2.addUri", new JsonArray(url), options ?? new JsonObject())).GetString()!;

    public async Task<string> StatusAsync(string gid) =>
        (await ResultAsync("aria2.tellStatus", gid, new JsonArray("status"))).GetProperty("status").GetString()!;

    /// <summary>Waits until the download's status is <paramref name="status"/>.</summary>
    public async Task WaitForStatusAsync(string gid, string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string last;
        while ((last = await StatusAsync(gid)) != status)
        {
            if (DateTime.UtcNow > deadline || (last is "complete" or "error" or "removed" && status is not ("complete" or "error" or "removed")) || (last is "complete" or "error" or "removed" && status is "complete" or "error" or "removed"))
            {
                throw new TimeoutException($"{gid} is {last}, never {status}: {await ResultAsync("aria2.tellStatus", gid)}");
            }

            await Task.Delay(20);
        }
    }

    public void Dispose() => _http.Dispose();
}
