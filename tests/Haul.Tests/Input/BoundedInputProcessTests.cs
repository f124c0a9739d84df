using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Input;

/// <summary>The real <c>haul get -i -</c> fed hostile stdin through a pipe.</summary>
public sealed class BoundedInputProcessTests
{
    /// <summary>The runtime alone takes well under this; holding the 200 MB line would take gigabytes.</summary>
    private const long MemoryBound = 200L * 1024 * 1024;

    [Fact]
    public async Task HaulGet_200MegabyteLineOnStdin_SkippedWithFlatMemoryAndNextUrlDownloaded()
    {
        var content = TestData.Bytes(5000, seed: 91);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/after.dat", content);
        using var temp = new TempDirectory();
        using var haul = HaulProcess.Start("get", "-i", "-", "-d", temp.Out, "--json");

        var chunk = new string('a', 1024 * 1024);
        for (var i = 0; i < 200; i++)
        {
            await haul.StandardInput.WriteAsync(chunk);
        }

        await haul.StandardInput.WriteAsync("\n" + server.Url("/after.dat") + "\n");
        await haul.StandardInput.FlushAsync(TestContext.Current.CancellationToken);
        // The pipe holds at most 64 KiB: by now the child has scanned all but the end of the line.
        var peak = haul.PeakMemoryBytes();
        haul.StandardInput.Close();

        (await haul.WaitForExitAsync()).ShouldBe(1, haul.Error);
        peak.ShouldBeLessThan(MemoryBound);
        haul.Out.ShouldContain("Line 1 is longer than 64 KiB (65,536 characters); it was skipped.");
        haul.Out.ShouldContain("\"invalid-url\"");
        TestData.FileSha256(Path.Combine(temp.Out, "after.dat")).ShouldBe(TestData.Sha256(content));
        haul.Error.ShouldNotContain("Exception");
        haul.Error.ShouldNotContain("   at ");
    }

    [Fact]
    public async Task HaulGet_EndlessNulBytesOnStdin_StopsWithOneClearLineAndExit1()
    {
        using var temp = new TempDirectory();
        using var haul = HaulProcess.Start("get", "-i", "-", "-d", temp.Out, "--progress", "none");

        var zeros = new string('\0', 64 * 1024);
        var written = 0L;
        try
        {
            // Like /dev/zero: it never ends on its own; only the child stopping reading ends it.
            while (!haul.HasExited && written < 4L * 1024 * 1024 * 1024)
            {
                await haul.StandardInput.WriteAsync(zeros);
                written += zeros.Length;
            }
        }
        catch (IOException)
        {
            // The child closed its end of the pipe: it stopped reading, as it should.
        }

        (await haul.WaitForExitAsync()).ShouldBe(1, haul.Error);
        haul.Error.ShouldContain("Input looks binary (NUL byte on line 1); stopped reading.");
        haul.Error.ShouldNotContain("Exception");
        haul.Error.ShouldNotContain("   at ");
        written.ShouldBeLessThan(4L * 1024 * 1024 * 1024);
    }
}
