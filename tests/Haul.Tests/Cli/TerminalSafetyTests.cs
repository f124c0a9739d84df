using System.Text.Json;
using Haul.Cli.Output;
using Haul.Progress;
using Haul.Tests.EndToEnd;
using Spectre.Console;

namespace Haul.Tests.Cli;

/// <summary>A server's words reach the terminal only without the characters that drive it.</summary>
public sealed class TerminalSafetyTests
{
    /// <summary>Clears the screen, then sets the window title to "pwn".</summary>
    private const string Hostile = "\u001b[2J\u001b]0;pwn\u0007";

    private const string Cleaned = "?[2J?]0;pwn?";

    [Fact]
    public async Task Get_EscapesInReasonPhraseAndLocation_StderrListAndJsonCarryNoControlCharacters()
    {
        var content = TestData.Bytes(5000, seed: 90);
        await using var server = RawLoopbackServer.Start(request => RawReply.Latin1(request.Target switch
        {
            "/reason.jpg" => $"HTTP/1.1 404 {Hostile}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            "/moved.jpg" => $"HTTP/1.1 302 Found\r\nLocation: ftp://x/{Hostile}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            _ => $"HTTP/1.1 200 OK\r\nContent-Length: {content.Length}\r\nConnection: close\r\n\r\n{System.Text.Encoding.Latin1.GetString(content)}",
        }));
        using var temp = new TempDirectory();
        string[] urls = [server.Url("/reason.jpg"), server.Url("/moved.jpg"), server.Url("/good.jpg")];

        var plain = await CliRun.RunAsync(["get", .. urls, "-d", temp.Out, "--progress", "plain"]);
        var list = await CliRun.RunAsync("list", "-d", temp.Out);
        var listJson = await CliRun.RunAsync("list", "-d", temp.Out, "--json");
        var json = await CliRun.RunAsync(["get", .. urls, "-d", temp.Out, "--json", "--no-journal"]);

        plain.ExitCode.ShouldBe(1);
        TestData.FileSha256(Path.Combine(temp.Out, "good.jpg")).ShouldBe(TestData.Sha256(content));
        plain.Error.ShouldContain($"404 {Cleaned}");
        plain.Error.ShouldContain($"ftp://x/");
        list.Out.ShouldContain(Cleaned);
        foreach (var text in new[] { plain.Error, list.Out, listJson.Out, json.Out, json.Error })
        {
            text.ShouldNotContain('\u001b');
            text.ShouldNotContain('\u0007');
        }

        // JSON keeps the server's words whole, escaped as \u001B, and they read back unchanged.
        json.Out.ShouldContain("\\u001B[2J");
        json.JsonLines.Select(line => line.TryGetProperty("error", out var error) ? error.GetProperty("message").GetString() : null)
            .ShouldContain(message => message != null && message.Contains(Hostile, StringComparison.Ordinal));
        listJson.Out.ShouldContain("\\u001B[2J");
    }

    [Fact]
    public void Render_NameWithEscapesAndBidiOverride_DrawnWithoutThem()
    {
        var view = new LiveProgressView(() => throw new InvalidOperationException(), TextWriter.Null, _ => null);
        var snapshot = ProgressViewTests.Snapshot([new TransferSnapshot("http://x/a", $"a{Hostile}\u202Egpj.exe", 10, 100, 1)]);

        var text = ProgressViewTests.Draw(view.Render(snapshot), 160, ColorSystemSupport.NoColors);

        text.ShouldNotContain('\u001b');
        text.ShouldNotContain('\u0007');
        text.ShouldNotContain('\u202E');
        text.ShouldContain($"a{Cleaned}?gpj.exe");
    }

    [Fact]
    public async Task JsonResultWriter_ControlCharacters_EscapedNotRaw()
    {
        using var output = new StringWriter();
        var result = new DownloadResult
        {
            Request = new DownloadRequest("http://x/a"),
            Status = DownloadStatus.Failed,
            Error = Errors.HaulErrors.Status("http://x/a", 404, Hostile, null),
        };

        await new JsonResultWriter(output).WriteAsync(result);

        output.ToString().ShouldNotContain('\u001b');
        output.ToString().ShouldNotContain('\u0007');
        JsonDocument.Parse(output.ToString()).RootElement.GetProperty("error").GetProperty("message").GetString()!.ShouldContain(Hostile);
    }
}
