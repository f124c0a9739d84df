namespace Haul.Tests.EndToEnd;

/// <summary>Waits for a condition another process or task brings about, with a generous deadline.</summary>
public static class Eventually
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    /// <summary>Completes once <paramref name="path"/> exists with at least <paramref name="length"/> bytes.</summary>
    public static Task FileReachesAsync(string path, long length) =>
        TrueAsync(() => new FileInfo(path) is { Exists: true } info && info.Length >= length, $"{path} to reach {length} bytes");

    public static async Task TrueAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {Deadline.TotalSeconds} s for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
