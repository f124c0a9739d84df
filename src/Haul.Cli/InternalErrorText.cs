using Haul.Actions;

namespace Haul.Cli;

/// <summary>What an unexpected exception says to the user: its sentence, never its type or stack.</summary>
internal static class InternalErrorText
{
    public static string For(Exception exception) => exception switch
    {
        OutOfMemoryException or InsufficientExecutionStackException => "out of memory",
        // The first line is the sentence; later ones (an object's name, a parameter) speak .NET.
        _ when ParserMessage.Clean(exception.Message.Split('\n', 2)[0]) is { Length: > 0 } message => message,
        _ => "an unexpected failure",
    };
}
