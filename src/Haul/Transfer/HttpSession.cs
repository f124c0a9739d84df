using System.Runtime.CompilerServices;
using Haul.Http;

namespace Haul.Transfer;

/// <summary>
/// The HTTP side of a <see cref="Downloader"/>: the one client over the one connection pool, with
/// the run's cookie jar and credentials, and the cookies written back when a run ends.
/// </summary>
internal sealed class HttpSession : IDisposable
{
    private readonly SessionHandler _handler;
    private readonly HttpOptions _options;
    private readonly TimeProvider _timeProvider;

    private HttpSession(HttpClient client, SessionHandler handler, CookieJar? cookies, HttpOptions options, TimeProvider timeProvider)
    {
        Client = client;
        _handler = handler;
        Cookies = cookies;
        _options = options;
        _timeProvider = timeProvider;
    }

    public HttpClient Client { get; }

    public CookieJar? Cookies { get; }

    /// <exception cref="ArgumentException">A file the options name cannot be read, or a proxy URL is malformed.</exception>
    public static HttpSession Create(DownloadOptions options, TimeProvider timeProvider, Events.EventHub? events = null)
    {
        var http = options.Http;
        var now = timeProvider.GetUtcNow();
        CookieJar? cookies = null;
        if (http.LoadCookiesFile is not null || http.SaveCookiesFile is not null)
        {
            cookies = new CookieJar();
            if (http.LoadCookiesFile is { } load)
            {
                foreach (var cookie in Read(load, "cookies file", path => NetscapeCookieFile.Read(path, now)))
                {
                    cookies.Add(cookie, now);
                }
            }
        }

        if (http.SaveCookiesFile is { } save && Path.GetDirectoryName(Path.GetFullPath(save)) is { } folder && !Directory.Exists(folder))
        {
            throw new ArgumentException($"cannot save cookies to '{save}': the folder '{folder}' does not exist.");
        }

        var login = http.User is { } user ? new NetworkLogin(user, http.Password ?? string.Empty) : null;
        Netrc? netrc = null;
        if (login is null && http.UseNetrc)
        {
            var path = http.NetrcFile ?? Netrc.DefaultPath(null);
            // The default file is optional, as in curl; a file named explicitly must be there.
            if (http.NetrcFile is not null || File.Exists(path))
            {
                netrc = Read(path, "netrc file", file => Netrc.Parse(File.ReadAllText(file)));
            }
        }

        var proxy = new ProxySelector(http.HttpProxy, http.HttpsProxy, http.NoProxy);
        HttpMessageHandler wire = HttpClientFactory.CreateHandler(options, proxy, TlsTrust.From(http));
        if (events is not null)
        {
            wire = new ExchangeEvents(events, timeProvider, wire);
        }

        var handler = new SessionHandler(http, login, netrc, cookies, timeProvider, RobotsTagHandler.Around(wire, http.DisallowedHeaderDirectives));
        return new HttpSession(HttpClientFactory.Create(handler, options), handler, cookies, http, timeProvider);
    }

    /// <summary>The crawl's start pages: the login is theirs to send to.</summary>
    public void AddNamedOrigins(IEnumerable<Uri> origins) => _handler.AddNamedOrigins(origins);

    /// <summary>A start page's own user and password, for its origin.</summary>
    public void AddOriginLogin(Uri origin, NetworkLogin login) => _handler.AddOriginLogin(origin, login);

    /// <summary>Passes a run's results through, then writes the cookie jar when the run ends in any way.</summary>
    public async IAsyncEnumerable<DownloadResult> SavingCookiesAfter(IAsyncEnumerable<DownloadResult> results, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        try
        {
            await foreach (var result in results.WithCancellation(cancellationToken).ConfigureAwait(false))
            {
                yield return result;
            }
        }
        finally
        {
            await SaveCookiesAsync().ConfigureAwait(false);
        }
    }

    public async Task SaveCookiesAsync()
    {
        if (_options.SaveCookiesFile is { } path && Cookies is not null)
        {
            await NetscapeCookieFile.WriteAsync(path, Cookies.Snapshot(_timeProvider.GetUtcNow()), CancellationToken.None).ConfigureAwait(false);
        }
    }

    public void Dispose() => Client.Dispose();

    private static T Read<T>(string path, string what, Func<string, T> read)
    {
        try
        {
            return read(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new ArgumentException($"cannot read the {what} '{path}': {ex.Message}", ex);
        }
    }
}
