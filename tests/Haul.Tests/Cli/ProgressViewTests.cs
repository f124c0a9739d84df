using Haul.Cli.Output;
using Haul.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Haul.Tests.Cli;

public sealed class ProgressViewTests
{
    private const string LongName = "a-very-long-file-name-from-a-camera-roll-export-2026-11-29-holiday-pictures-batch-0042.jpeg";

    [Theory]
    [InlineData(40)]
    [InlineData(80)]
    [InlineData(160)]
    public void Render_AnyWidth_OneLinePerTransferWithinWidth(int width)
    {
        var view = new LiveProgressView(() => throw new InvalidOperationException(), TextWriter.Null, _ => null);
        var snapshot = Snapshot(
        [
            new TransferSnapshot("http://x/1", LongName, 190 * 1024, 1024 * 1024, 1),
            new TransferSnapshot("http://x/2", "short.png", 5 * 1024 * 1024, null, 3),
            new TransferSnapshot("http://x/3", "写真-" + LongName, 2L * 1024 * 1024 * 1024, 4L * 1024 * 1024 * 1024, 1),
        ]);

        var lines = Lines(Draw(view.Render(snapshot), width, ColorSystemSupport.NoColors));

        lines.Count.ShouldBe(4);
        lines.ShouldAllBe(line => line.GetCellWidth() <= width);
        lines[1].Contains('…').ShouldBe(width < 120, "only a name too long for the line is shortened");
        lines[1].ShouldContain("jpeg", Case.Sensitive, "the middle of a long name goes first, its end stays");
        lines[1].ShouldStartWith("  a-");
        lines.Skip(1).ShouldAllBe(line => line.Contains('━') || line.Contains('─'), "every transfer keeps its bar");
    }

    [Fact]
    public void Render_LongNameAt80_NameShortenedInTheMiddle()
    {
        var view = new LiveProgressView(() => throw new InvalidOperationException(), TextWriter.Null, _ => null);

        var lines = Lines(Draw(view.Render(Snapshot([new TransferSnapshot("http://x/1", LongName, 512, 1024, 1)])), 80, ColorSystemSupport.NoColors));

        lines.Count.ShouldBe(2);
        lines[1].ShouldStartWith("  a-very-long");
        lines[1].ShouldContain("…");
        lines[1].ShouldContain("0042.jpeg");
        lines[1].ShouldEndWith("B/s");
    }

    [Fact]
    public void Render_NarrowWithRetryNote_NameAndFileCountKept()
    {
        var view = new LiveProgressView(() => throw new InvalidOperationException(), TextWriter.Null, _ => null);
        var snapshot = Snapshot([new TransferSnapshot("http://x/1", "picture-0001.jpg", 512, 1024, 2)]) with { Total = null, Queued = 35, Succeeded = 3 };

        var lines = Lines(Draw(view.Render(snapshot), 40, ColorSystemSupport.NoColors));

        lines[0].ShouldStartWith("3/35+ files ");
        lines[1].ShouldStartWith("  pic");
        lines.ShouldAllBe(line => line.GetCellWidth() <= 40);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(0.5, 50)]
    [InlineData(1.0, 100)]
    public void Render_WithoutColour_DoneAndRemainingDiffer(double fraction, int percentDone)
    {
        var view = new LiveProgressView(() => throw new InvalidOperationException(), TextWriter.Null, _ => null);
        var snapshot = Snapshot([new TransferSnapshot("http://x/1", "a.bin", (long)(fraction * 1000), 1000, 1)]);

        var line = Lines(Draw(view.Render(snapshot), 100, ColorSystemSupport.NoColors))[1];

        var done = line.Count(c => c == '━');
        var remaining = line.Count(c => c == '─');
        (done + remaining).ShouldBeGreaterThan(0);
        ((double)done / (done + remaining) * 100).ShouldBe(percentDone, tolerance: 5);
    }

    [Fact]
    public void Render_NoUnicode_AsciiBarWithDistinctGlyphs()
    {
        var view = new LiveProgressView(() => throw new InvalidOperationException(), TextWriter.Null, _ => null);
        var snapshot = Snapshot([new TransferSnapshot("http://x/1", "a.bin", 500, 1000, 1)]);

        var line = Lines(Draw(view.Render(snapshot), 100, ColorSystemSupport.NoColors, unicode: false))[1];

        line.ShouldContain("#");
        line.ShouldContain("-");
        line.ShouldNotContain('━');
    }

    [Theory]
    [InlineData("NO_COLOR", "1", true)]
    [InlineData("TERM", "dumb", true)]
    [InlineData("TERM", "xterm-256color", false)]
    [InlineData("NO_COLOR", "", false)]
    public void WithoutColour_Environment_Detected(string name, string value, bool expected)
    {
        LiveProgressView.WithoutColour(variable => variable == name ? value : null).ShouldBe(expected);
    }

    internal static DownloadProgress Snapshot(IReadOnlyList<TransferSnapshot> active) => new()
    {
        Timestamp = DateTimeOffset.UnixEpoch,
        Queued = 10,
        Total = 10,
        Succeeded = 2,
        Skipped = 0,
        Failed = 0,
        BytesReceived = 3 * 1024 * 1024,
        Active = active,
    };

    internal static string Draw(IRenderable renderable, int width, ColorSystemSupport colours, bool unicode = true)
    {
        using var writer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Ansi = AnsiSupport.No,
            ColorSystem = colours,
            Interactive = InteractionSupport.No,
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        console.Profile.Width = width;
        console.Profile.Capabilities.Unicode = unicode;
        console.Write(renderable);
        return writer.ToString();
    }

    private static List<string> Lines(string text) => [.. text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0)];
}
