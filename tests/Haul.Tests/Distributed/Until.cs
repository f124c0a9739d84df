namespace Haul.Tests.Distributed;

/// <summary>Waits for an asynchronous condition (a look into Redis) with a generous deadline.</summary>
public static class Until
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    public static async Task TrueAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Waited {Deadline.TotalSeconds} s for {what}.");
            }

            await Task.Delay(20);
        }
    }
}
