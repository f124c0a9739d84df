using Haul.Errors;

namespace Haul.Actions;

/// <summary>Builds the <see cref="ScopeException"/> for an archive entry the security rules refuse.</summary>
internal sealed class ExtractionRefusal(string url, string archive)
{
    /// <summary>A refusal reading "Refused to extract ARCHIVE: entry 'NAME' REASON."</summary>
    public ScopeException Create(string entryName, string reason) =>
        new(url, $"Refused to extract {archive}: entry '{DisplayText.Clean(entryName)}' {reason}.");
}
