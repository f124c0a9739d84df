using System.Globalization;

namespace Haul.Bench.Trickle;

/// <summary>The command line of the trickle server.</summary>
internal sealed record TrickleSettings(string File, int Chunk, TimeSpan Interval)
{
    public static TrickleSettings Parse(string[] args)
    {
        string? file = null;
        var chunk = 4096;
        var intervalMs = 100;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--file": file = value; break;
                case "--chunk": chunk = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--interval-ms": intervalMs = int.Parse(value, CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown option {args[i]} (known: --file, --chunk, --interval-ms).");
            }

            i++;
        }

        if (file is null || chunk < 1 || intervalMs < 0)
        {
            throw new ArgumentException("usage: Trickle --file BODY [--chunk BYTES] [--interval-ms MS]");
        }

        return new TrickleSettings(file, chunk, TimeSpan.FromMilliseconds(intervalMs));
    }
}
