using System.Diagnostics;
using Haul.Actions;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Actions;

/// <summary>Runs real coreutils programs (cp, touch, cat, false, sleep), never a shell.</summary>
public sealed class HookActionTests
{
    private static readonly byte[] Content = TestData.Bytes(50_000, seed: 401);

    [Fact]
    public async Task RunAsync_CopyWithPathPlaceholder_RunsProgramAndSucceeds()
    {
        SkipOnWindows();
        using var sandbox = new ArchiveSandbox();
        var file = await DownloadedAsync(sandbox, "my photo.jpg");
        var copy = Path.Combine(sandbox.Root, "copy of it.jpg");

        var outcome = await new HookAction($"cp {{path}} '{copy}'").RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Action.ShouldBe("on-complete");
        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        outcome.ExitCode.ShouldBe(0);
        outcome.Kind.ShouldBeNull();
        outcome.Message.ShouldBe("`cp` exited with 0.");
        ArchiveSandbox.Sha256(copy).ShouldBe(TestData.Sha256(Content));
    }

    [Fact]
    public async Task RunAsync_Sha256PlaceholderInQuotedPathWithSpace_StaysOneArgument()
    {
        SkipOnWindows();
        using var sandbox = new ArchiveSandbox();
        var file = await DownloadedAsync(sandbox, "a.bin");
        var folder = Path.Combine(sandbox.Root, "with space");
        Directory.CreateDirectory(folder);

        var outcome = await new HookAction($"touch \"{folder}/{{sha256}}.done\"").RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
        Directory.EnumerateFiles(folder).Select(Path.GetFileName).ShouldBe([$"{TestData.Sha256(Content)}.done"]);
    }

    [Fact]
    public async Task RunAsync_ProgramReadingStdin_GetsEndOfInputAtOnce()
    {
        SkipOnWindows();
        using var sandbox = new ArchiveSandbox();
        var file = await DownloadedAsync(sandbox, "a.bin");

        var outcome = await new HookAction("cat").RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeTrue(outcome.Message);
    }

    [Fact]
    public async Task RunAsync_ProgramFails_FailedOutcomeWithExitCode()
    {
        SkipOnWindows();
        using var sandbox = new ArchiveSandbox();
        var file = await DownloadedAsync(sandbox, "a.bin");

        var outcome = await new HookAction("false").RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeFalse();
        outcome.ExitCode.ShouldBe(1);
        outcome.Message.ShouldBe("`false` exited with 1.");
    }

    [Fact]
    public async Task RunAsync_ProgramFailsWithStderr_MessageEndsWithItsLastLine()
    {
        SkipOnWindows();
        using var sandbox = new ArchiveSandbox();
        var file = await DownloadedAsync(sandbox, "a.bin");
        var missing = Path.Combine(sandbox.Root, "no-such-folder", "x");

        var outcome = await new HookAction($"cp {{path}} {missing}").RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeFalse();
        outcome.ExitCode.ShouldBe(1);
        outcome.Message.ShouldStartWith("`cp` exited with 1: cp: ");
        outcome.Message.ShouldContain(missing);
        outcome.Message.ShouldNotContain("\n");
    }

    [Fact]
    public async Task RunAsync_ProgramNotFound_FailedOutcomeNotException()
    {
        using var sandbox = new ArchiveSandbox();
        var file = await DownloadedAsync(sandbox, "a.bin");

        var outcome = await new HookAction("haul-no-such-program-4711 {path}").RunAsync(file, TestContext.Current.CancellationToken);

        outcome.Succeeded.ShouldBeFalse();
        outcome.ExitCode.ShouldBeNull();
        outcome.Message.ShouldStartWith("`haul-no-such-program-4711` could not be started: ");
        outcome.Message.ShouldEndWith(".");
    }

    [Fact]
    public async Task RunAsync_Cancelled_KillsProgramAndThrows()
    {
        SkipOnWindows();
        using var sandbox = new ArchiveSandbox();
        var file = await DownloadedAsync(sandbox, "a.bin");
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var elapsed = Stopwatch.StartNew();
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(200));

        await Should.ThrowAsync<OperationCanceledException>(() => new HookAction("sleep 60").RunAsync(file, cancellation.Token));

        elapsed.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(30));
    }

    [Theory]
    [InlineData("cp 'unclosed")]
    [InlineData("'' {path}")]
    [InlineData(" ")]
    public void Constructor_UnusableCommand_ThrowsArgumentException(string commandLine)
    {
        Should.Throw<ArgumentException>(() => new HookAction(commandLine));
    }

    private static async Task<CompletedFile> DownloadedAsync(ArchiveSandbox sandbox, string name)
    {
        var path = sandbox.InDownloads(name);
        await File.WriteAllBytesAsync(path, Content, TestContext.Current.CancellationToken);
        return ArchiveSandbox.Completed(path);
    }

    private static void SkipOnWindows() => Assert.SkipWhen(OperatingSystem.IsWindows(), "Uses coreutils programs.");
}
