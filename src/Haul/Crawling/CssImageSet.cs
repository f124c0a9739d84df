namespace Haul.Crawling;

/// <summary>
/// The candidates of one <c>image-set()</c>: a browser loads one of them, the densest being the one a
/// high-resolution screen asks for; candidates of a <c>type()</c> Haul does not know are passed over.
/// </summary>
internal sealed class CssImageSet
{
    private readonly List<(string Url, double Density, string? Type)> _candidates = [];
    private bool _open;

    public void Add(string url)
    {
        _candidates.Add((url, 1, null));
        _open = true;
    }

    public void EndCandidate() => _open = false;

    public void SetResolution(double value, string unit)
    {
        if (!_open || value <= 0)
        {
            return;
        }

        var density = unit.ToLowerInvariant() switch
        {
            "x" or "dppx" => value,
            "dpi" => value / 96,
            "dpcm" => value * 2.54 / 96,
            _ => 0,
        };
        if (density > 0)
        {
            _candidates[^1] = _candidates[^1] with { Density = density };
        }
    }

    public void SetType(string type)
    {
        if (_open)
        {
            _candidates[^1] = _candidates[^1] with { Type = type };
        }
    }

    /// <summary>The densest usable candidate (the first of equals), or every candidate.</summary>
    public IEnumerable<string> Chosen(bool all)
    {
        var usable = _candidates.Where(candidate => candidate.Type is null || PictureType.IsKnown(candidate.Type)).ToList();
        if (all)
        {
            return usable.Select(candidate => candidate.Url);
        }

        return usable.Count == 0 ? [] : [usable.MaxBy(candidate => candidate.Density).Url];
    }
}
