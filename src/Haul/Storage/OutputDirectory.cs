namespace Haul.Storage;

/// <summary>Resolves a request's <c>dir=</c> below the run's output directory, never outside it.</summary>
internal static class OutputDirectory
{
    public static string Resolve(string root, string? subDirectory)
    {
        if (string.IsNullOrWhiteSpace(subDirectory))
        {
            return root;
        }

        var path = root;
        foreach (var part in subDirectory.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (part is "." or "..")
            {
                continue;
            }

            var safe = FileNamer.Sanitize(part);
            if (safe is not null)
            {
                path = System.IO.Path.Combine(path, safe);
            }
        }

        return path;
    }
}
