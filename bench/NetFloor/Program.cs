using System.Net;
using System.Net.Sockets;
using System.Text;

// Usage: NetFloor (httpclient | sockets) URL-LIST OUT-DIR [IN-FLIGHT]
// Fetches every URL of the list (plain http, one host) into OUT-DIR under its last path segment,
// IN-FLIGHT (64) at a time over kept-alive connections, each body in one write to a new file: what
// curl does per file, and nothing more (no hashing, no .part, no journal, no checks).
//   httpclient: HttpClient (SocketsHttpHandler), what haul is built on
//   sockets:    requests written and replies parsed by hand on raw sockets, the least .NET can do
// Exit status 0 when every URL answered 200 with its Content-Length, 1 otherwise.
if (args.Length < 3 || args[0] is not ("httpclient" or "sockets"))
{
    Console.Error.WriteLine("usage: NetFloor (httpclient | sockets) URL-LIST OUT-DIR [IN-FLIGHT]");
    return 2;
}

var urls = File.ReadAllLines(args[1]).Where(line => line.Length > 0).Select(line => new Uri(line)).ToArray();
var outDir = args[2];
var inFlight = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 64;
var next = -1;
var failures = 0;

Func<Task> worker = args[0] == "httpclient" ? HttpClientWorker(new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = inFlight })) : SocketWorker;
await Task.WhenAll(Enumerable.Range(0, inFlight).Select(_ => Task.Run(worker)));
return failures == 0 ? 0 : 1;

Func<Task> HttpClientWorker(HttpClient client) => async () =>
{
    var buffer = new byte[256 * 1024];
    int i;
    while ((i = Interlocked.Increment(ref next)) < urls.Length)
    {
        using var response = await client.GetAsync(urls[i], HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();
        int length = 0, read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length))) > 0)
        {
            length += read;
        }

        Save(urls[i], response.StatusCode == HttpStatusCode.OK && length == response.Content.Headers.ContentLength, buffer.AsSpan(0, length));
    }
};

async Task SocketWorker()
{
    using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
    await socket.ConnectAsync(urls[0].Host, urls[0].Port);
    var buffer = new byte[256 * 1024];
    var request = new byte[8 * 1024];
    int i;
    while ((i = Interlocked.Increment(ref next)) < urls.Length)
    {
        var size = Encoding.ASCII.GetBytes($"GET {urls[i].PathAndQuery} HTTP/1.1\r\nHost: {urls[i].Authority}\r\nUser-Agent: NetFloor\r\nAccept: */*\r\n\r\n", request);
        await socket.SendAsync(request.AsMemory(0, size));
        int have = 0, headEnd = -1;
        while (headEnd < 0)
        {
            have += await Receive(socket, buffer.AsMemory(have));
            headEnd = buffer.AsSpan(0, have).IndexOf("\r\n\r\n"u8);
        }

        var head = Encoding.ASCII.GetString(buffer, 0, headEnd);
        var length = ContentLength(head);
        var bodyStart = headEnd + 4;
        while (have - bodyStart < length)
        {
            have += await Receive(socket, buffer.AsMemory(have));
        }

        Save(urls[i], head.StartsWith("HTTP/1.1 200 ", StringComparison.Ordinal) && have - bodyStart == length, buffer.AsSpan(bodyStart, length));
    }
}

static async Task<int> Receive(Socket socket, Memory<byte> into)
{
    var read = await socket.ReceiveAsync(into);
    return read > 0 ? read : throw new IOException("the server closed the connection");
}

static int ContentLength(string head)
{
    foreach (var line in head.Split("\r\n"))
    {
        if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
        {
            return int.Parse(line.AsSpan(15).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    throw new InvalidDataException("a reply without Content-Length");
}

void Save(Uri url, bool ok, ReadOnlySpan<byte> body)
{
    if (!ok)
    {
        Interlocked.Increment(ref failures);
        Console.Error.WriteLine($"{url}: not a complete 200 reply");
        return;
    }

    using var file = File.OpenHandle(Path.Combine(outDir, url.Segments[^1]), FileMode.CreateNew, FileAccess.Write);
    RandomAccess.Write(file, body, 0);
}
