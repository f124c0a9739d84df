using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Haul.Tests.Http;

/// <summary>Kestrel over HTTPS on 127.0.0.1, port 0, with a certificate made for the test; serves one body at every path.</summary>
public sealed class HttpsLoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private HttpsLoopbackServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Requests that got past the TLS handshake.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public static async Task<HttpsLoopbackServer> StartAsync(System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, byte[] body)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var server = new HttpsLoopbackServer(app);
        app.Run(async context =>
        {
            Interlocked.Increment(ref server._requests);
            context.Response.ContentLength = body.Length;
            await context.Response.Body.WriteAsync(body);
        });
        await app.StartAsync();
        server.BaseUri = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return server;
    }

    public string Url(string path) => new Uri(BaseUri, path).AbsoluteUri;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
