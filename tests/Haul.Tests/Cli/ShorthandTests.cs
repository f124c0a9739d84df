using System.CommandLine;
using Haul.Cli;
using Haul.Cli.Commands;
using Haul.Cli.Output;
using Shouldly;
using Xunit;

namespace Haul.Tests.Cli;

public sealed class ShorthandTests
{
    [Theory]
    [InlineData("http://x")]
    [InlineData("https://example.org/a.jpg")]
    [InlineData("http://x", "http://y")]
    [InlineData("http://x", "-j", "4", "-d", "out")]
    [InlineData("-i", "urls.txt")]
    [InlineData("--json", "http://x")]
    [InlineData("-d", "get", "http://x")]
    public void WithShorthand_NoCommandName_GetPrepended(params string[] args)
    {
        var result = HaulCli.WithShorthand(Root(), args);

        result.ShouldBe(["get", .. args]);
    }

    [Theory]
    [InlineData("get", "http://x")]
    [InlineData("get")]
    [InlineData("get", "--help")]
    [InlineData("demo")]
    [InlineData("demo", "-d", "out")]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("-?")]
    [InlineData("--version")]
    public void WithShorthand_CommandOrRootOption_Unchanged(params string[] args)
    {
        HaulCli.WithShorthand(Root(), args).ShouldBe(args);
    }

    [Fact]
    public void WithShorthand_NoArguments_Unchanged()
    {
        HaulCli.WithShorthand(Root(), []).ShouldBeEmpty();
    }

    [Fact]
    public void WithShorthand_BareUrl_ParsesAsGetCommand()
    {
        var root = Root();

        var parseResult = root.Parse(HaulCli.WithShorthand(root, ["http://example.org/a.jpg", "-j", "4"]));

        parseResult.Errors.ShouldBeEmpty();
        parseResult.CommandResult.Command.Name.ShouldBe("get");
        parseResult.GetValue<string[]>("url").ShouldBe(["http://example.org/a.jpg"]);
        parseResult.GetValue<int>("--max-concurrent").ShouldBe(4);
    }

    [Theory]
    [InlineData(0, "0 B")]
    [InlineData(1, "1 B")]
    [InlineData(1023, "1023 B")]
    [InlineData(1024, "1.0 KiB")]
    [InlineData(1536, "1.5 KiB")]
    [InlineData(10 * 1024 + 51, "10.0 KiB")]
    [InlineData(1024 * 1024, "1.0 MiB")]
    [InlineData(5.5 * 1024 * 1024 * 1024, "5.5 GiB")]
    [InlineData(2.0 * 1024 * 1024 * 1024 * 1024, "2.0 TiB")]
    [InlineData(2048.0 * 1024 * 1024 * 1024 * 1024, "2048.0 TiB")]
    public void Size_Bytes_BinaryUnitsOneDecimal(double bytes, string expected)
    {
        ByteFormat.Size(bytes).ShouldBe(expected);
    }

    [Theory]
    [InlineData(0, "0 B/s")]
    [InlineData(512, "512 B/s")]
    [InlineData(3 * 1024 * 1024, "3.0 MiB/s")]
    public void Speed_BytesPerSecond_SizePerSecond(double bytesPerSecond, string expected)
    {
        ByteFormat.Speed(bytesPerSecond).ShouldBe(expected);
    }

    [Theory]
    [InlineData(0, "0:00")]
    [InlineData(5, "0:05")]
    [InlineData(65, "1:05")]
    [InlineData(3_599, "59:59")]
    [InlineData(3_600, "1:00:00")]
    [InlineData(3_723, "1:02:03")]
    [InlineData(86_399, "23:59:59")]
    [InlineData(90_000, "25:00:00")]
    [InlineData(360_000, "100:00:00")]
    public void Duration_Seconds_ClockFormat(int seconds, string expected)
    {
        ByteFormat.Duration(TimeSpan.FromSeconds(seconds)).ShouldBe(expected);
    }

    private static RootCommand Root()
    {
        var io = new CliIo(TextReader.Null, TextWriter.Null, TextWriter.Null, ErrorIsTerminal: false);
        return new RootCommand("haul")
        {
            GetCommand.Create(io),
            DemoCommand.Create(io),
        };
    }
}
