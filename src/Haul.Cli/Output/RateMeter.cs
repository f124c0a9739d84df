namespace Haul.Cli.Output;

/// <summary>A smoothed rate (bytes or files per second) from successive counter readings.</summary>
internal sealed class RateMeter
{
    private const double Smoothing = 0.3;
    private DateTimeOffset? _lastTime;
    private long _lastValue;

    public double PerSecond { get; private set; }

    public void Sample(DateTimeOffset time, long value)
    {
        if (_lastTime is { } last && time > last)
        {
            var instant = (value - _lastValue) / (time - last).TotalSeconds;
            PerSecond = PerSecond == 0 ? instant : (Smoothing * instant) + ((1 - Smoothing) * PerSecond);
        }

        _lastTime = time;
        _lastValue = value;
    }
}
