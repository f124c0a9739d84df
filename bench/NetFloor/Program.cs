using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;

// Usage: NetFloor (httpclient | sockets | kept) URL-LIST OUT-DIR [IN-FLIGHT]
// Fetches every URL of the list (plain http, one host) into OUT-DIR under its last path segment,
// IN-FLIGHT (64) at a time over kept-alive connections, each body in one write to a new file.
//   httpclient: HttpClient (SocketsHttpHandler), what haul is built on; what curl does per file,
//               and nothing more (no hashing, no .part, no journal, no checks)
//   sockets:    the same, with requests written and replies parsed by hand on raw sockets: the
//               least .NET can do
//   kept:       httpclient plus the file steps Haul's promise takes for each body, and no more:
//               NAME.part created exclusively and locked (flock: the runtime's FileShare.None
//               lock, one call as Haul's own), its (device, inode) checked against its name's,
//               the body written, the name's identity and length checked again in one statx,
//               renamed to NAME without replacing anything, and the body's SHA-256 (no journal,
//               no planning, no name reservation)
// Exit status 0 when every URL answered 200 with its Content-Length (and, kept, every check held
// and every rename was made), 1 otherwise.
if (args.Length < 3 || args[0] is not ("httpclient" or "sockets" or "kept"))
{
    Console.Error.WriteLine("usage: NetFloor (httpclient | sockets | kept) URL-LIST OUT-DIR [IN-FLIGHT]");
    return 2;
}

var urls = File.ReadAllLines(args[1]).Where(line => line.Length > 0).Select(line => new Uri(line)).ToArray();
var outDir = args[2];
var inFlight = args.Length > 3 ? int.Parse(args[3], System.Globalization.CultureInfo.InvariantCulture) : 64;
var next = -1;
var failures = 0;

var kept = args[0] == "kept";
Func<Task> worker = args[0] != "sockets" ? HttpClientWorker(new HttpClient(new SocketsHttpHandler { UseProxy = false, MaxConnectionsPerServer = inFlight })) : SocketWorker;
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

    var path = Path.Combine(outDir, url.Segments[^1]);
    if (kept)
    {
        SaveKept(url, path, body);
        return;
    }

    using var file = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write);
    RandomAccess.Write(file, body, 0);
}

void SaveKept(Uri url, string path, ReadOnlySpan<byte> body)
{
    var part = path + ".part";
    using var file = File.OpenHandle(part, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
    var held = Kept.Of(file);
    var ok = held is not null && Kept.OfName(part)?.Identity == held.Value.Identity;
    RandomAccess.Write(file, body, 0);
    Span<byte> digest = stackalloc byte[32];
    SHA256.HashData(body, digest);
    ok = ok && Kept.OfName(part) is { } named && named.Identity == held!.Value.Identity && named.Length == body.Length
        && Kept.RenameNoReplace(part, path);
    if (!ok)
    {
        Interlocked.Increment(ref failures);
        Console.Error.WriteLine($"{url}: the .part failed a check or could not be renamed");
    }
}

/// <summary>statx(2) and renameat2(2), as Haul calls them.</summary>
internal static partial class Kept
{
    private const int AtCurrentDirectory = -100;
    private const int AtEmptyPath = 0x1000;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxBasics = 0x7ff;
    private const uint StatxInode = 0x100;
    private const uint StatxSize = 0x200;

    // struct statx: stx_mask at 0, stx_ino at 32, stx_size at 40, stx_dev_major and _minor at 136 and 140.
    private const int InodeOffset = 32;
    private const int SizeOffset = 40;
    private const int DeviceOffset = 136;

    public static Status? Of(Microsoft.Win32.SafeHandles.SafeFileHandle file) => Query((int)file.DangerousGetHandle(), "", AtEmptyPath);

    public static Status? OfName(string path) => Query(AtCurrentDirectory, path, AtSymlinkNoFollow);

    public static bool RenameNoReplace(string from, string to) => RenameAt2(AtCurrentDirectory, from, AtCurrentDirectory, to, 1) == 0;

    private static Status? Query(int directory, string path, int flags)
    {
        Span<byte> status = stackalloc byte[256];
        if (StatX(directory, path, flags, StatxBasics, ref MemoryMarshal.GetReference(status)) != 0
            || (BitConverter.ToUInt32(status) & (StatxInode | StatxSize)) != (StatxInode | StatxSize))
        {
            return null;
        }

        var device = ((ulong)BitConverter.ToUInt32(status[DeviceOffset..]) << 32) | BitConverter.ToUInt32(status[(DeviceOffset + 4)..]);
        return new Status((device, BitConverter.ToUInt64(status[InodeOffset..])), BitConverter.ToInt64(status[SizeOffset..]));
    }

    [LibraryImport("libc", EntryPoint = "statx", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int directory, string path, int flags, uint mask, ref byte status);

    [LibraryImport("libc", EntryPoint = "renameat2", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameAt2(int oldDirectory, string oldPath, int newDirectory, string newPath, uint flags);

    public readonly record struct Status((ulong Device, ulong Inode) Identity, long Length);
}
