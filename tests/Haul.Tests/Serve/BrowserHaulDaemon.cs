using System.Globalization;
using System.Text.RegularExpressions;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>The real <c>haul serve</c> as a child process on a free port, serving its embedded page.</summary>
public sealed partial class BrowserHaulDaemon : IBrowserDaemon
{
    private readonly HaulProcess _process;

    private BrowserHaulDaemon(HaulProcess process, string directory, int port)
    {
        _process = process;
        Directory = directory;
        PageUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
    }

    public Uri PageUri { get; }

    public string Directory { get; }

    public bool SendsIfRange => true;

    public string NotFoundKind => "http";

    public string Output => _process.Error;

    public static async Task<BrowserHaulDaemon> StartAsync(string directory, string secret)
    {
        var process = HaulProcess.Start("serve", "-d", directory, "--rpc-listen-port", "0", "--rpc-secret", secret);
        try
        {
            await Eventually.TrueAsync(() => process.HasExited || Listening().IsMatch(process.Error), "haul serve to say where it listens");
            var match = Listening().Match(process.Error);
            if (!match.Success)
            {
                throw new InvalidOperationException($"haul serve did not start:\n{process.Error}");
            }

            return new BrowserHaulDaemon(process, directory, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
        }
        catch
        {
            process.Dispose();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    [GeneratedRegex(@"listening on http://127\.0\.0\.1:([0-9]+)/jsonrpc")]
    private static partial Regex Listening();
}
