using System.Globalization;
using System.Net;

namespace Haul.Http;

/// <summary>
/// A <c>NO_PROXY</c> list as curl reads it: comma- or space-separated; <c>*</c> for every host; a
/// name covers itself and its subdomains (a leading <c>.</c> or <c>*.</c> is allowed); an IP
/// address or a CIDR range covers its addresses; <c>:PORT</c> after an entry narrows it to one port.
/// </summary>
internal sealed class NoProxyList
{
    private readonly List<Entry> _entries;
    private readonly bool _all;

    private NoProxyList(List<Entry> entries, bool all)
    {
        _entries = entries;
        _all = all;
    }

    public static NoProxyList Parse(string? list)
    {
        var entries = new List<Entry>();
        var all = false;
        foreach (var raw in (list ?? string.Empty).Split([',', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (raw == "*")
            {
                all = true;
                continue;
            }

            var (host, port) = SplitPort(raw.Trim());
            host = host.Trim('[', ']').ToLowerInvariant();
            if (host.StartsWith("*.", StringComparison.Ordinal))
            {
                host = host[2..];
            }

            host = host.TrimStart('.');
            if (host.Length == 0)
            {
                continue;
            }

            entries.Add(IPNetwork.TryParse(host, out var network)
                ? new Entry(null, network, port)
                : IPAddress.TryParse(host, out var address)
                    ? new Entry(null, new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128), port)
                    : new Entry(host, null, port));
        }

        return new NoProxyList(entries, all);
    }

    public bool Contains(Uri uri)
    {
        if (_all)
        {
            return true;
        }

        var host = uri.IdnHost.Trim('[', ']').ToLowerInvariant();
        var address = IPAddress.TryParse(host, out var parsed) ? parsed : null;
        return _entries.Any(entry =>
            (entry.Port is null || entry.Port == uri.Port)
            && (entry.Network is { } network
                ? address is not null && network.Contains(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address)
                : host == entry.Name || host.EndsWith("." + entry.Name, StringComparison.Ordinal)));
    }

    private static (string Host, int? Port) SplitPort(string entry)
    {
        // "[::1]:8080", "host:8080", but never the colons of a bare IPv6 address.
        var colon = entry.LastIndexOf(':');
        var bracket = entry.LastIndexOf(']');
        if (colon > 0 && colon > bracket && (bracket >= 0 || entry.IndexOf(':', StringComparison.Ordinal) == colon)
            && int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            return (entry[..colon], port);
        }

        return (entry, null);
    }

    private sealed record Entry(string? Name, IPNetwork? Network, int? Port);
}
