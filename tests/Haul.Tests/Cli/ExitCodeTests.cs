using Haul.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary>Exit 2 only for usage errors before anything ran, and every message a user's sentence.</summary>
public sealed class ExitCodeTests
{
    [Theory]
    [InlineData("-j", "2147483647", "-j/--max-concurrent must be a whole number from 1 to 10000")]
    [InlineData("-j", "0", "-j/--max-concurrent must be a whole number from 1 to 10000")]
    [InlineData("-j", "abc", "-j/--max-concurrent must be a whole number from 1 to 10000, not 'abc'")]
    [InlineData("--max-per-host", "99999", "--max-per-host must be a whole number from 1 to 10000")]
    [InlineData("--retries", "-1", "--retries must be a whole number from 0 to 100")]
    [InlineData("--timeout", "99999999999", "-T/--timeout must be a number of seconds from 0.1 to 86400")]
    [InlineData("--timeout", "NaN", "-T/--timeout must be a number of seconds from 0.1 to 86400")]
    [InlineData("--connect-timeout", "2147483647", "--connect-timeout must be a number of seconds from 0.1 to 86400")]
    [InlineData("-x", "33", "-x/--connections must be a whole number from 1 to 32")]
    [InlineData("--extract-max-entries", "1e9", "--extract-max-entries must be a whole number from 1 to 100000000")]
    [InlineData("-d", "", "-d/--dir needs a directory name")]
    public async Task Get_OutOfRangeValue_NamesTheRangeAndExitsTwo(string flag, string value, string expected)
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/a.jpg", flag, value, "--no-journal");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldStartWith($"haul: {expected}");
        run.Error.Trim().ShouldNotContain("\n");
        run.Error.ShouldNotContain("System.");
        run.Error.ShouldNotContain("   at ");
    }

    [Theory]
    [InlineData("list")]
    [InlineData("crawl", "http://127.0.0.1:9/")]
    public async Task OtherCommands_EmptyDirectory_UsageError(params string[] args)
    {
        var run = await CliRun.RunAsync([.. args, "-d", ""]);

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldStartWith("haul: -d/--dir needs a directory name");
    }

    [Theory]
    [InlineData("crawl", "--depth", "-1", "--depth must be a whole number from 0 to 1000")]
    [InlineData("crawl", "--max-pages", "0", "--max-pages must be a whole number from 1 to")]
    [InlineData("crawl", "--delay", "99999999999", "--delay must be a whole number from 0 to 3600000")]
    [InlineData("worker", "--visibility-timeout", "1e12", "--visibility-timeout must be a number of seconds from 0.1 to 86400")]
    public async Task OtherCommands_OutOfRangeValue_NamesTheRangeAndExitsTwo(string command, string flag, string value, string expected)
    {
        var target = command == "worker" ? "redis://127.0.0.1:9/job" : "http://127.0.0.1:9/";

        var run = await CliRun.RunAsync(command, target, flag, value);

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldStartWith($"haul: {expected}");
        run.Error.ShouldNotContain("System.");
    }

    [Theory]
    [InlineData("Cannot parse argument 'x' for option '--json' as expected type 'System.Boolean'.", "Cannot parse argument 'x' for option '--json' as true or false.")]
    [InlineData("Cannot parse argument 'x' for option '-n' as expected type 'System.Int32'.", "Cannot parse argument 'x' for option '-n' as a whole number.")]
    [InlineData("Cannot parse argument 'x' for option '--t' as expected type 'System.Nullable`1[System.Double]'.", "Cannot parse argument 'x' for option '--t' as a value of this option.")]
    [InlineData("Argument 'x' not recognized. Must be one of:\n\t'a'\n\t'b'", "Argument 'x' not recognized. Must be one of: 'a' 'b'")]
    public void ParserMessage_Clean_NoTypeNamesOneLine(string message, string expected)
    {
        ParserMessage.Clean(message).ShouldBe(expected);
    }

    [Fact]
    public async Task Run_UnexpectedFailure_OneInternalErrorLineExitOne()
    {
        // A stdout that is gone in a way nobody planned for: writing to it throws.
        var output = new StringWriter();
        await output.DisposeAsync();
        using var error = new StringWriter();

        var exitCode = await HaulCli.RunAsync(["config"], new CliIo(TextReader.Null, output, error, ErrorIsTerminal: false), TestContext.Current.CancellationToken);

        exitCode.ShouldBe(ExitCodes.SomeFailed);
        var text = error.ToString();
        text.ShouldStartWith("haul: internal error: ");
        text.Trim().ShouldNotContain("\n");
        text.ShouldNotContain("Exception");
        text.ShouldNotContain("System.");
        text.ShouldNotContain("   at ");
    }

    [Theory]
    [InlineData("frobnicate", "unknown command 'frobnicate'; did you mean 'haul ")]
    [InlineData("gett", "unknown command 'gett'; did you mean 'haul get'?")]
    [InlineData("lst", "unknown command 'lst'; did you mean 'haul list'?")]
    [InlineData("craw", "unknown command 'craw'; did you mean 'haul crawl'?")]
    public async Task Run_UnknownCommand_SuggestsNearestExitsTwoOnce(string word, string expected)
    {
        var run = await CliRun.RunAsync(word, "-d", "out");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldStartWith($"haul: {expected}");
        run.Error.Trim().Split('\n').ShouldHaveSingleItem();
        run.Out.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("example.org/a.jpg")]
    [InlineData("http://x")]
    [InlineData("localhost:8080/a.jpg")]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("https://example.org")]
    public void LooksLikeAddress_UrlOrHost_True(string word)
    {
        UnknownCommand.LooksLikeAddress(word).ShouldBeTrue();
    }

    [Theory]
    [InlineData("frobnicate")]
    [InlineData("gett")]
    [InlineData("myhost/a")]
    public void LooksLikeAddress_Word_False(string word)
    {
        UnknownCommand.LooksLikeAddress(word).ShouldBeFalse();
    }

    [Fact]
    public async Task Run_ConfigFlagThenUnknownCommand_StillUnknown()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Root);
        var config = Path.Combine(temp.Root, "haul.conf");
        await File.WriteAllTextAsync(config, string.Empty, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("--config", config, "frobnicate");

        run.ExitCode.ShouldBe(ExitCodes.Usage);
        run.Error.ShouldStartWith("haul: unknown command 'frobnicate'");
    }
}
