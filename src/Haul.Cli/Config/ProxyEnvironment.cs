namespace Haul.Cli.Config;

/// <summary>
/// The proxies a run uses: <c>--proxy</c> for every request when given (<c>''</c> for none), else
/// the variables curl and wget read, lower case first.
/// </summary>
internal static class ProxyEnvironment
{
    public static (string? Http, string? Https, string? NoProxy) Resolve(string? proxy, string? noProxy, Func<string, string?> environment)
    {
        noProxy ??= First(environment, "no_proxy", "NO_PROXY");
        if (proxy is not null)
        {
            var chosen = proxy.Trim().Length == 0 ? null : proxy.Trim();
            return (chosen, chosen, noProxy);
        }

        var all = First(environment, "all_proxy", "ALL_PROXY");
        return (First(environment, "http_proxy", "HTTP_PROXY") ?? all, First(environment, "https_proxy", "HTTPS_PROXY") ?? all, noProxy);
    }

    /// <summary>Which variable a proxy setting came from, for <c>haul config</c>.</summary>
    public static string? SourceOf(string scheme, Func<string, string?> environment) => scheme switch
    {
        "http" => FirstName(environment, "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"),
        "https" => FirstName(environment, "https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"),
        _ => FirstName(environment, "no_proxy", "NO_PROXY"),
    };

    private static string? First(Func<string, string?> environment, params string[] names) =>
        FirstName(environment, names) is { } name ? environment(name) : null;

    private static string? FirstName(Func<string, string?> environment, params string[] names) =>
        names.FirstOrDefault(name => !string.IsNullOrWhiteSpace(environment(name)));
}
