using System.Text;

namespace Haul.Cli.Serve;

/// <summary>One answer of the daemon's HTTP server.</summary>
internal sealed record HttpReply(int Status, string ContentType, byte[] Body, IReadOnlyList<(string Name, string Value)> Headers)
{
    /// <summary>Run once the reply is on the wire (a shutdown asked for by this very call).</summary>
    public Action? AfterSent { get; init; }

    public static HttpReply Text(int status, string text) =>
        new(status, "text/plain; charset=utf-8", Encoding.UTF8.GetBytes(text + "\n"), []);
}
