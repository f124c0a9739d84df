using System.Security.Cryptography;
using System.Text.Json;
using Haul.Datasets;
using Haul.Tests.Datasets;
using Haul.Tests.EndToEnd;
using Shouldly;
using Xunit;

namespace Haul.Tests.Cli;

/// <summary>
/// The native (NativeAOT) haul that CI installs from its package, named by HAUL_NATIVE_BIN (set by
/// .ci/run), where it differs from the framework-dependent build the other tests run: it starts
/// without libvips, and the first picture of a data set starts it.
/// </summary>
public sealed class NativeBuildTests
{
    [Fact]
    public async Task Get_NativeBuild_RunsWithoutLoadingLibvips()
    {
        var native = NativeHaul();
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var body = RandomNumberGenerator.GetBytes(4096);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/held.bin", async (context, _) =>
        {
            asked.TrySetResult();
            await answer.Task;
            await server.ServeAsync(context, body);
        });

        using var haul = HaulProcess.StartNative(native, "get", server.Url("/held.bin"), "-d", temp.Out, "--progress", "none");
        var exited = haul.WaitForExitAsync();
        await Task.WhenAny(asked.Task, exited).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        asked.Task.IsCompleted.ShouldBeTrue($"haul ended before its request: {haul.Error}");
        // The request is out and waits for its answer: everything haul loads to start is loaded.
        var maps = await File.ReadAllTextAsync($"/proc/{haul.Id}/maps", TestContext.Current.CancellationToken);
        answer.TrySetResult();

        (await exited).ShouldBe(0, haul.Error);
        maps.ShouldContain(Path.GetFileName(native), customMessage: "the maps read are the native haul's");
        maps.ShouldNotContain(VipsRuntime.LibraryName);
        Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(Path.Combine(temp.Out, "held.bin"), TestContext.Current.CancellationToken)))
            .ShouldBe(Convert.ToHexStringLower(SHA256.HashData(body)));
    }

    [Fact]
    public async Task Dataset_NativeBuild_StartsLibvipsAndWritesThePicturesTheLibraryMakes()
    {
        var native = NativeHaul();
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var pictures = Enumerable.Range(0, 4).Select(i => TestImages.NoiseJpeg(120 + (10 * i), 90)).ToArray();
        for (var i = 0; i < pictures.Length; i++)
        {
            server.MapFile($"/p{i}.jpg", pictures[i]);
        }

        var list = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllLinesAsync(list, Enumerable.Range(0, pictures.Length).Select(i => server.Url($"/p{i}.jpg")), TestContext.Current.CancellationToken);

        using var haul = HaulProcess.StartNative(native, "dataset", list, "-d", temp.Out, "--image-size", "64", "--progress", "none");
        (await haul.WaitForExitAsync()).ShouldBe(0, haul.Error);

        // Each stored picture is byte for byte what libvips, through the same processor in this
        // (framework-dependent) process, makes of the original.
        var members = DatasetOutput.ReadTar(Path.Combine(temp.Out, "00000.tar"));
        var stored = members
            .Where(m => m.Name.EndsWith(".json", StringComparison.Ordinal))
            .ToDictionary(
                m => JsonDocument.Parse(m.Content).RootElement.GetProperty("url").GetString()!,
                m => members.Single(j => j.Name == Path.ChangeExtension(m.Name, ".jpg")).Content);
        stored.Count.ShouldBe(pictures.Length);
        var processor = new VipsImageProcessor(new DatasetImageOptions { ImageSize = 64 });
        for (var i = 0; i < pictures.Length; i++)
        {
            var url = server.Url($"/p{i}.jpg");
            Convert.ToHexStringLower(SHA256.HashData(stored[url]))
                .ShouldBe(Convert.ToHexStringLower(SHA256.HashData(processor.Process(pictures[i], url).Bytes)));
        }
    }

    private static string NativeHaul()
    {
        var path = Environment.GetEnvironmentVariable("HAUL_NATIVE_BIN");
        Assert.SkipWhen(string.IsNullOrEmpty(path), "HAUL_NATIVE_BIN names the installed native haul (.ci/run sets it on linux-x64).");
        return path!;
    }
}
