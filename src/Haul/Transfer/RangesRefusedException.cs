namespace Haul.Transfer;

/// <summary>A piece's reply does not fit the piece map (the server stopped taking ranges, or the file changed): the download starts over as one stream.</summary>
internal sealed class RangesRefusedException(string message) : Exception(message);
