namespace Haul.Tests.Cli;

public sealed class HelpAndCompletionTests
{
    [Fact]
    public async Task Version_PrintsVersionAndCommit()
    {
        var run = await CliRun.RunAsync("--version");

        run.ExitCode.ShouldBe(0);
        run.Out.ShouldMatch(@"^haul \d+\.\d+\.\d+\S* \(commit [0-9a-f]{7,12}\)\n$");
    }

    [Theory]
    [InlineData("get", "--load-cookies", "haul get -i urls.txt --load-cookies cookies.txt")]
    [InlineData("get", "--max-filesize", "haul get -i urls.txt --max-filesize 100M --max-download-limit 500K --dry-run")]
    [InlineData("get", "--timestamping", "haul get -c -t 3 -T 30 -P downloads https://example.org/big.iso")]
    [InlineData("crawl", "--referer", "haul crawl https://example.org/gallery/ -d pictures")]
    [InlineData("config", "--config", "haul config --config ./haul.conf")]
    [InlineData("completion", "bash, zsh or fish", "haul completion fish")]
    public async Task Help_EachCommand_FlagsAndExamples(string command, string flag, string example)
    {
        var run = await CliRun.RunAsync(command, "--help");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.ShouldContain(flag);
        run.Out.ShouldContain("Examples:");
        run.Out.ShouldContain(example);
    }

    [Fact]
    public async Task Help_Root_ListsCommandsAndExamples()
    {
        var run = await CliRun.RunAsync("--help");

        run.ExitCode.ShouldBe(0);
        foreach (var command in new[] { "get", "crawl", "list", "config", "completion", "demo" })
        {
            run.Out.ShouldContain($"  {command} ");
        }

        run.Out.ShouldContain("haul demo");
    }

    [Fact]
    public async Task SuggestDirective_PartialFlag_CompletesIt()
    {
        const string line = "haul get --load-c";

        var run = await CliRun.RunAsync($"[suggest:{line.Length}]", line);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(["--load-cookies"]);
    }

    [Theory]
    [InlineData("haul get --max-f", "--max-filesize")]
    [InlineData("haul get --allow-o", "--allow-overwrite")]
    [InlineData("haul crawl --max-red", "--max-redirect")]
    [InlineData("haul worker --retry-w", "--retry-wait")]
    public async Task SuggestDirective_NewTransferFlags_CompletesThem(string line, string expected)
    {
        var run = await CliRun.RunAsync($"[suggest:{line.Length}]", line);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe([expected]);
    }

    [Theory]
    [InlineData("bash", "complete -o default -F _haul_complete haul")]
    [InlineData("zsh", "compdef _haul haul")]
    [InlineData("fish", "complete -c haul -f -a '(__haul_complete)'")]
    public async Task Completion_Shell_ScriptAsksHaulForSuggestions(string shell, string registration)
    {
        var run = await CliRun.RunAsync("completion", shell);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.ShouldContain(registration);
        run.Out.ShouldContain("haul \"[suggest:");
    }

    [Fact]
    public async Task Completion_BashScript_CompletesInARealShell()
    {
        if (OperatingSystem.IsWindows() || !File.Exists("/bin/bash"))
        {
            Assert.Skip("bash is not installed.");
        }

        var script = (await CliRun.RunAsync("completion", "bash")).Out;
        using var temp = new EndToEnd.TempDirectory();
        var shim = Path.Combine(temp.Root, "haul");
        File.WriteAllText(shim, $"#!/bin/sh\nexec dotnet exec \"{Path.Combine(AppContext.BaseDirectory, "haul.dll")}\" \"$@\"\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        var driver = Path.Combine(temp.Root, "drive.sh");
        File.WriteAllText(driver, script + """
            COMP_LINE="haul crawl --ign"
            COMP_POINT=${#COMP_LINE}
            COMP_WORDS=(haul crawl --ign)
            COMP_CWORD=2
            _haul_complete
            printf '%s\n' "${COMPREPLY[@]}"
            """);
        var info = new System.Diagnostics.ProcessStartInfo("/bin/bash", [driver]) { RedirectStandardOutput = true, RedirectStandardError = true };
        info.Environment["PATH"] = temp.Root + ":" + Environment.GetEnvironmentVariable("PATH");
        using var bash = System.Diagnostics.Process.Start(info)!;
        var output = await bash.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        await bash.WaitForExitAsync(TestContext.Current.CancellationToken);

        output.Trim().ShouldBe("--ignore-robots");
    }
}
