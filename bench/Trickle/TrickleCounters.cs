using System.Globalization;

namespace Haul.Bench.Trickle;

/// <summary>Responses in flight now, the most at once, and how many were sent whole.</summary>
internal sealed class TrickleCounters
{
    private long _inFlight;
    private long _peak;
    private long _served;

    public void Started()
    {
        var now = Interlocked.Increment(ref _inFlight);
        var peak = Interlocked.Read(ref _peak);
        while (now > peak)
        {
            var seen = Interlocked.CompareExchange(ref _peak, now, peak);
            if (seen == peak)
            {
                break;
            }

            peak = seen;
        }
    }

    public void Finished() => Interlocked.Decrement(ref _inFlight);

    public void Served() => Interlocked.Increment(ref _served);

    public void Reset()
    {
        Interlocked.Exchange(ref _peak, Interlocked.Read(ref _inFlight));
        Interlocked.Exchange(ref _served, 0);
    }

    public string Describe() => string.Create(
        CultureInfo.InvariantCulture,
        $"in_flight={Interlocked.Read(ref _inFlight)} peak={Interlocked.Read(ref _peak)} served={Interlocked.Read(ref _served)}");
}
