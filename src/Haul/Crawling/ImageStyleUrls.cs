namespace Haul.Crawling;

/// <summary>Finds the <c>url(...)</c> references in an inline <c>style</c> attribute.</summary>
internal static class ImageStyleUrls
{
    /// <summary>Every url() value in order, unquoted; a style may hold several (backgrounds, masks, image-set).</summary>
    public static IEnumerable<string> Extract(string style)
    {
        ArgumentNullException.ThrowIfNull(style);
        var position = 0;
        while (true)
        {
            var start = style.IndexOf("url(", position, StringComparison.OrdinalIgnoreCase);
            if (start < 0)
            {
                yield break;
            }

            // "myurl(" is some other function, not url().
            if (start > 0 && (char.IsLetterOrDigit(style[start - 1]) || style[start - 1] is '-' or '_'))
            {
                position = start + 4;
                continue;
            }

            position = start + 4;
            while (position < style.Length && char.IsWhiteSpace(style[position]))
            {
                position++;
            }

            if (position >= style.Length)
            {
                yield break;
            }

            string value;
            if (style[position] is '"' or '\'')
            {
                var quote = style[position];
                var end = style.IndexOf(quote, position + 1);
                if (end < 0)
                {
                    yield break;
                }

                value = style[(position + 1)..end];
                position = end + 1;
            }
            else
            {
                var end = style.IndexOf(')', position);
                if (end < 0)
                {
                    yield break;
                }

                value = style[position..end];
                position = end + 1;
            }

            value = value.Trim();
            if (value.Length > 0)
            {
                yield return value;
            }
        }
    }
}
