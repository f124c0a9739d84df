using System.Text.Json;

namespace Haul.Tests.Serve;

/// <summary>
/// Asks a daemon directly (HTTP POST to <c>/jsonrpc</c>, as any aria2 client does) what the page
/// claims to have done, so a test never takes the page's word for it.
/// </summary>
public static class BrowserRpc
{
    private static readonly HttpClient Client = new() { Timeout = TimeSpan.FromSeconds(60) };

    public static async Task<JsonElement> CallAsync(IBrowserDaemon daemon, string secret, string method, params object[] parameters)
    {
        var request = new { jsonrpc = "2.0", id = "test", method, @params = (object[])[$"token:{secret}", .. parameters] };
        // With a Content-Length, as aria2's clients send it (a chunked body is refused with 411).
        using var content = new StringContent(JsonSerializer.Serialize(request), System.Text.Encoding.UTF8, "application/json");
        using var reply = await Client.PostAsync(new Uri(daemon.PageUri, "jsonrpc"), content);
        using var document = JsonDocument.Parse(await reply.Content.ReadAsStringAsync());
        if (document.RootElement.TryGetProperty("error", out var error))
        {
            throw new InvalidOperationException($"{method} failed: {error}");
        }

        return document.RootElement.GetProperty("result").Clone();
    }
}
