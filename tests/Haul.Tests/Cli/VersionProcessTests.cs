namespace Haul.Tests.Cli;

/// <summary><c>haul --version</c> as a real process: the early answer in Program.cs, before the command tree.</summary>
public sealed class VersionProcessTests
{
    [Fact]
    public async Task Version_AloneAsAProcess_PrintsTheSameLineAsTheCommandTreeAndExitsZero()
    {
        using var haul = HaulProcess.Start("--version");

        (await haul.WaitForExitAsync()).ShouldBe(0);
        haul.Out.ShouldBe(Haul.Cli.VersionAction.Text() + "\n");
        haul.Out.ShouldStartWith("haul 0.1.0");
        haul.Error.ShouldBeEmpty();
    }
}
