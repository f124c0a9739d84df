using System.Globalization;
using System.Net;
using Haul.Bench.Trickle;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

// Usage: Trickle --file BODY [--chunk BYTES] [--interval-ms MS]
// Serves BODY at every path under /t/ (e.g. /t/00001.bin), CHUNK bytes every INTERVAL ms, so a
// client that asks for thousands of files has thousands of responses in flight at once.
// GET /stats answers "in_flight=N peak=N served=N"; GET /stats?reset=1 also resets peak and served.
// Listens on 127.0.0.1 on a free port and prints "port N" on stdout once it accepts connections.
var settings = TrickleSettings.Parse(args);
var body = await File.ReadAllBytesAsync(settings.File);
var counters = new TrickleCounters();

var builder = WebApplication.CreateSlimBuilder();
builder.Logging.ClearProviders();
// The default accept backlog (512) would make most of 2,000 simultaneous connects wait for a SYN retry.
builder.WebHost.UseSockets(sockets => sockets.Backlog = 8192);
builder.WebHost.UseKestrel(kestrel =>
{
    kestrel.AddServerHeader = false;
    kestrel.Limits.MinResponseDataRate = null;
    kestrel.Limits.MaxConcurrentConnections = null;
    kestrel.Listen(IPAddress.Loopback, 0);
});
var app = builder.Build();

app.MapGet("/stats", (HttpContext context) =>
{
    var line = counters.Describe();
    if (context.Request.Query.ContainsKey("reset"))
    {
        counters.Reset();
    }

    return line + "\n";
});

app.MapMethods("/t/{name}", ["GET", "HEAD"], async (HttpContext context) =>
{
    context.Response.ContentType = "application/octet-stream";
    context.Response.ContentLength = body.Length;
    if (HttpMethods.IsHead(context.Request.Method))
    {
        return;
    }

    counters.Started();
    try
    {
        var stream = context.Response.Body;
        for (var offset = 0; offset < body.Length; offset += settings.Chunk)
        {
            if (offset > 0)
            {
                await Task.Delay(settings.Interval, context.RequestAborted);
            }

            var count = Math.Min(settings.Chunk, body.Length - offset);
            await stream.WriteAsync(body.AsMemory(offset, count), context.RequestAborted);
            await stream.FlushAsync(context.RequestAborted);
        }

        counters.Served();
    }
    finally
    {
        counters.Finished();
    }
});

await app.StartAsync();
var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"port {address.Port}"));
Console.Out.Flush();
await app.WaitForShutdownAsync();
