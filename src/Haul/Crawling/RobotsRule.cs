namespace Haul.Crawling;

/// <summary>
/// One <c>Allow</c> or <c>Disallow</c> line. <paramref name="Pattern"/> is normalized by <see cref="RobotsPath"/>;
/// it matches a prefix of the path, <c>*</c> stands for any run of characters and a final <c>$</c> for the end.
/// </summary>
internal readonly record struct RobotsRule(string Pattern, bool IsAllow)
{
    /// <summary>Whether the pattern matches <paramref name="path"/>, itself already normalized.</summary>
    public bool Matches(string path)
    {
        // "$" anywhere but last is an ordinary character, as Google reads it.
        var anchored = Pattern.EndsWith('$');
        var pieces = (anchored ? Pattern[..^1] : Pattern).Split('*');
        if (!path.StartsWith(pieces[0], StringComparison.Ordinal))
        {
            return false;
        }

        var position = pieces[0].Length;
        var last = pieces.Length - 1;

        // Taking each middle piece at its leftmost place leaves the most room for the pieces after it.
        for (var i = 1; i < last || (i == last && !anchored); i++)
        {
            var found = path.IndexOf(pieces[i], position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + pieces[i].Length;
        }

        if (!anchored)
        {
            return true;
        }

        // Anchored: the last piece must end the path, starting no earlier than where the others left off.
        return last == 0
            ? position == path.Length
            : path.Length - pieces[last].Length >= position && path.EndsWith(pieces[last], StringComparison.Ordinal);
    }
}
