using System.CommandLine;
using Haul.Cli.Config;
using Haul.Http;

namespace Haul.Cli.Commands;

/// <summary>
/// The flags that shape requests, shared by <c>get</c> and <c>crawl</c>: headers, Referer,
/// cookies, credentials, proxies, TLS. Names follow wget, aria2 and curl.
/// </summary>
internal sealed class RequestFlags
{
    public Option<string[]> Header { get; } = new("--header") { Description = "'Name: value' sent with every request (repeatable); 'Name:' removes a header.", AllowMultipleArgumentsPerToken = false };

    public Option<string?> UserAgent { get; } = new("--user-agent", "-U") { Description = "The User-Agent header (default haul/VERSION)." };

    public Option<string?> Referer { get; } = new("--referer") { Description = "The Referer header; '*' sends the page a crawled picture was found on (else the URL itself)." };

    public Option<string?> LoadCookies { get; } = new("--load-cookies") { Description = "Cookies from a Netscape/Mozilla cookies.txt (as browser extensions export it)." };

    public Option<string?> SaveCookies { get; } = new("--save-cookies") { Description = "Write the cookies to this cookies.txt when the run ends." };

    public Option<string?> HttpUser { get; } = new("--http-user") { Description = "User name for HTTP Basic authentication, sent only to the hosts of the URLs given." };

    public Option<string?> HttpPassword { get; } = new("--http-password") { Description = "Password for --http-user (never printed)." };

    public Option<string?> NetrcFile { get; } = new("--netrc-file") { Description = "Credentials by host from this netrc file (default: ~/.netrc when it exists)." };

    public Option<bool> NoNetrc { get; } = new("--no-netrc") { Description = "Do not read ~/.netrc." };

    public Option<string?> Proxy { get; } = new("--proxy") { Description = "http://[USER:PASS@]HOST:PORT or socks5://HOST:PORT for every request; '' for none (default: $HTTP_PROXY, $HTTPS_PROXY, $ALL_PROXY)." };

    public Option<string?> NoProxy { get; } = new("--no-proxy") { Description = "Hosts, domains, IPs or CIDR ranges reached directly, comma-separated; '*' for all (default: $NO_PROXY)." };

    public Option<bool> Insecure { get; } = new("--insecure", "-k", "--no-check-certificate") { Description = "Accept any TLS certificate (prints a warning)." };

    public Option<string?> CaCertificate { get; } = new("--ca-certificate", "--cacert") { Description = "A PEM file of certificates trusted as roots besides the system's." };

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    public IEnumerable<Option> All =>
        [Header, UserAgent, Referer, LoadCookies, SaveCookies, HttpUser, HttpPassword, NetrcFile, NoNetrc, Proxy, NoProxy, Insecure, CaCertificate];

    /// <summary>The options with these flags applied; proxies and <c>.netrc</c> fall back on the environment.</summary>
    public async Task<DownloadOptions> ApplyAsync(ParseResult parseResult, DownloadOptions options, CliIo io)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var line in parseResult.GetValue(Header) ?? [])
        {
            headers.Add(HeaderLine.TryParse(line, out var header, out var error) ? header : throw new UsageException($"--header: {error}."));
        }

        var user = parseResult.GetValue(HttpUser);
        var password = parseResult.GetValue(HttpPassword);
        if (password is not null && user is null)
        {
            throw new UsageException("--http-password needs --http-user.");
        }

        var insecure = parseResult.GetValue(Insecure);
        if (insecure)
        {
            await io.Error.WriteLineAsync("haul: warning: --insecure: TLS certificates are not checked; anyone between you and the server can read and change what is downloaded.");
        }

        var proxy = ProxyEnvironment.Resolve(parseResult.GetValue(Proxy), parseResult.GetValue(NoProxy), io.Environment);
        var netrcFile = parseResult.GetValue(NetrcFile);
        var home = io.Environment("HOME");
        return options with
        {
            UserAgent = parseResult.GetValue(UserAgent) ?? options.UserAgent,
            Http = new HttpOptions
            {
                Headers = headers,
                Referer = parseResult.GetValue(Referer),
                LoadCookiesFile = parseResult.GetValue(LoadCookies),
                SaveCookiesFile = parseResult.GetValue(SaveCookies),
                User = user,
                Password = password,
                UseNetrc = !parseResult.GetValue(NoNetrc) && (netrcFile is not null || home is not null),
                NetrcFile = netrcFile ?? (home is null ? null : DefaultNetrc(home)),
                HttpProxy = proxy.Http,
                HttpsProxy = proxy.Https,
                NoProxy = proxy.NoProxy,
                Insecure = insecure,
                CaCertificateFile = parseResult.GetValue(CaCertificate),
            },
        };
    }

    /// <summary>~/.netrc when it exists; a file that is not there is no error unless named with --netrc-file.</summary>
    private static string? DefaultNetrc(string home)
    {
        var path = Netrc.DefaultPath(home);
        return File.Exists(path) ? path : null;
    }
}
