using System.CommandLine;
using Haul.Cli.Output;

namespace Haul.Cli.Commands;

/// <summary>The output flags shared by the commands that download: <c>--json</c>, <c>-q</c>, <c>--progress</c>.</summary>
internal sealed class OutputOptions
{
    public Option<bool> Json { get; } = new("--json") { Description = "One JSON object per finished download on stdout, nothing else there." };

    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress output and no summary; failures are still reported." };

    public Option<string> Progress { get; } = new("--progress")
    {
        Description = "auto (bars on a terminal, periodic plain lines otherwise) | bars | plain | none.",
        DefaultValueFactory = _ => "auto",
    };

    public OutputOptions() => Progress.AcceptOnlyFromAmong("auto", "bars", "plain", "none");

    public void AddTo(Command command)
    {
        command.Options.Add(Json);
        command.Options.Add(Quiet);
        command.Options.Add(Progress);
    }

    public OutputMode Read(ParseResult parseResult, CliIo io)
    {
        var progress = parseResult.GetValue(Progress);
        if (parseResult.GetValue(Json))
        {
            // Stdout stays pure JSON; the live view goes to stderr when someone watches it there.
            var bars = progress == "bars" || (progress == "auto" && io.ErrorIsTerminal);
            return bars && !parseResult.GetValue(Quiet) ? OutputMode.JsonWithBars : OutputMode.Json;
        }

        if (parseResult.GetValue(Quiet))
        {
            return OutputMode.Quiet;
        }

        return progress switch
        {
            "bars" => OutputMode.Bars,
            "plain" => OutputMode.Plain,
            "none" => OutputMode.Quiet,
            _ => io.ErrorIsTerminal ? OutputMode.Bars : OutputMode.Plain,
        };
    }
}
