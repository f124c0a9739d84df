namespace Haul.Datasets;

/// <summary>Turns downloaded bytes into a data set's picture; throws a <see cref="Errors.HaulException"/> (kind decode or scope) when it cannot.</summary>
internal interface IImageProcessor
{
    ProcessedImage Process(byte[] data, string url);
}
