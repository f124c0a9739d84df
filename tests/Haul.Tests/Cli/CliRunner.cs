using System.Text.Json;
using Haul.Cli;

namespace Haul.Tests.Cli;

/// <summary>Runs <c>haul</c> in-process with captured streams.</summary>
public sealed record CliRun(int ExitCode, string Out, string Error)
{
    public IReadOnlyList<JsonElement> JsonLines =>
        [.. Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonDocument.Parse(line).RootElement)];

    public static async Task<CliRun> RunWithInputAsync(string stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var input = new StringReader(stdin);
        var exitCode = await HaulCli.RunAsync(args, new CliIo(input, output, error, ErrorIsTerminal: false), TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }

    public static Task<CliRun> RunAsync(params string[] args) => RunWithInputAsync(string.Empty, args);
}
