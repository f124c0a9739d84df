using Haul.Actions;

namespace Haul.Tests.Actions;

public sealed class CommandTemplateTests
{
    private static readonly CompletedFile File = new("http://example.test/a%20b.zip?x={path}", "/data/my files/a b.zip", "abc123", 42);

    [Theory]
    [InlineData("cp a b", new[] { "cp", "a", "b" })]
    [InlineData("  cp \t a   b  ", new[] { "cp", "a", "b" })]
    [InlineData("touch \"a b\" 'c d'", new[] { "touch", "a b", "c d" })]
    [InlineData("echo a\"b c\"d'e f'", new[] { "echo", "ab cde f" })]
    [InlineData("echo \"say \\\"hi\\\" \\\\ \\n\"", new[] { "echo", "say \"hi\" \\ \\n" })]
    [InlineData("echo 'it\\' \"$HOME\" *", new[] { "echo", "it\\", "$HOME", "*" })]
    [InlineData("echo a\\ b \\\"q\\' \\\\", new[] { "echo", "a b", "\"q'", "\\" })]
    [InlineData("C:\\tools\\sum.exe C:\\in\\file", new[] { "C:\\tools\\sum.exe", "C:\\in\\file" })]
    [InlineData("echo \"\" ''", new[] { "echo", "", "" })]
    [InlineData("echo trailing\\", new[] { "echo", "trailing\\" })]
    public void Parse_CommandLine_SplitsLikeAShellWithoutExpanding(string commandLine, string[] expected)
    {
        CommandTemplate.Parse(commandLine).ShouldBe(expected);
    }

    [Theory]
    [InlineData("echo \"abc", "The command has an unclosed double quote at position 6.")]
    [InlineData("echo 'abc", "The command has an unclosed single quote at position 6.")]
    [InlineData("echo \"a\\\"", "The command has an unclosed double quote at position 6.")]
    [InlineData("echo \"it's\" 'x", "The command has an unclosed single quote at position 13.")]
    [InlineData("", "The command is empty: it needs at least a program to run.")]
    [InlineData("   ", "The command is empty: it needs at least a program to run.")]
    public void Parse_Malformed_ThrowsArgumentExceptionWithClearMessage(string commandLine, string message)
    {
        Should.Throw<ArgumentException>(() => CommandTemplate.Parse(commandLine)).Message.ShouldBe(message);
    }

    [Fact]
    public void Expand_Placeholders_SubstitutedInsideEachArgumentWithoutResplitting()
    {
        var arguments = CommandTemplate.Expand(CommandTemplate.Parse("sum {path} --url={url} {sha256}-{sha256}.txt {unknown} '{path}'"), File);

        arguments.ShouldBe([
            "sum",
            Path.GetFullPath("/data/my files/a b.zip"),
            "--url=http://example.test/a%20b.zip?x={path}",
            "abc123-abc123.txt",
            "{unknown}",
            Path.GetFullPath("/data/my files/a b.zip"),
        ]);
    }

    [Fact]
    public void Expand_RelativePath_MadeFull()
    {
        var arguments = CommandTemplate.Expand(["cat", "{path}"], File with { Path = Path.Combine("out", "-x.zip") });

        arguments[1].ShouldBe(Path.Combine(Environment.CurrentDirectory, "out", "-x.zip"));
    }
}
