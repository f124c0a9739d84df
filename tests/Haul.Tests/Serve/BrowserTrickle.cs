using System.Collections.Concurrent;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Serve;

/// <summary>
/// A large file on a <see cref="LoopbackServer"/> that never finishes before the test says so: each
/// request gets its first <see cref="Head"/> bytes (Range and If-Range honoured), then waits for
/// <see cref="Release"/> or for the client to hang up, which it counts.
/// </summary>
public sealed class BrowserTrickle
{
    public const int Head = 256 * 1024;
    public const string ETag = "\"trickle-1\"";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _open;
    private int _hungUp;

    public BrowserTrickle(LoopbackServer server, string path, byte[] content)
    {
        Content = content;
        server.Map(path, async (context, _) =>
        {
            Requests.Enqueue(new RecordedRequest(path, Header(context, "Range"), Header(context, "If-Range")));
            Interlocked.Increment(ref _open);
            try
            {
                await ServeAsync(server, context);
            }
            finally
            {
                Interlocked.Decrement(ref _open);
            }
        });
    }

    public byte[] Content { get; }

    /// <summary>Every request for the file, in order of arrival.</summary>
    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Responses still being sent.</summary>
    public int Open => Volatile.Read(ref _open);

    /// <summary>Responses the client ended by hanging up before the file was released.</summary>
    public int HungUp => Volatile.Read(ref _hungUp);

    /// <summary>Lets every held response, and every later one, run to its end.</summary>
    public void Release() => _release.TrySetResult();

    private async Task ServeAsync(LoopbackServer server, HttpContext context)
    {
        var (start, end) = LoopbackServer.StartReply(context, Content.Length, ETag);
        var count = (int)(end + 1 - start);
        var head = Math.Min(Head, count);
        await server.WriteBodyAsync(context, Content.AsMemory((int)start, head));
        await context.Response.Body.FlushAsync();

        var hangUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (context.RequestAborted.Register(() => hangUp.TrySetResult()))
        {
            if (await Task.WhenAny(_release.Task, hangUp.Task) != _release.Task)
            {
                Interlocked.Increment(ref _hungUp);
                return;
            }
        }

        await server.WriteBodyAsync(context, Content.AsMemory((int)start + head, count - head));
    }

    private static string? Header(HttpContext context, string name) =>
        context.Request.Headers.TryGetValue(name, out var value) ? value.ToString() : null;
}
