using Haul.Cli;
using Haul.Tests.Cli;

namespace Haul.Tests.Http;

/// <summary>Runs <c>haul</c> in-process with an environment of the test's choosing (the process environment is never read).</summary>
public static class CliWithEnvironment
{
    public static async Task<CliRun> RunAsync(IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var io = new CliIo(TextReader.Null, output, error, ErrorIsTerminal: false)
        {
            Environment = name => environment.TryGetValue(name, out var value) ? value : null,
        };
        var exitCode = await HaulCli.RunAsync(args, io, TestContext.Current.CancellationToken);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
