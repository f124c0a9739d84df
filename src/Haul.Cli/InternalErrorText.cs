using Haul.Actions;

namespace Haul.Cli;

/// <summary>What an unexpected exception says to the user: its sentence, never its type or stack.</summary>
internal static class InternalErrorText
{
    /// <summary>The line after "haul: ": an installation that lost one of its files says so; anything else is an internal error.</summary>
    public static string Line(Exception exception)
    {
        if (Cause(exception) is not DllNotFoundException missing)
        {
            return $"internal error: {For(exception)}";
        }

        var library = LibraryOf(missing);
        var without = library.StartsWith("the SQLite", StringComparison.Ordinal) ? "; --no-journal runs without SQLite" : "";
        return $"{library}, which ships with haul, could not be loaded: the files installed with haul must stay together next to it (reinstall haul{without})";
    }

    public static string For(Exception exception) => Cause(exception) switch
    {
        OutOfMemoryException or InsufficientExecutionStackException => "out of memory",
        // The first line is the sentence; later ones (an object's name, a parameter) speak .NET.
        var cause when ParserMessage.Clean(cause.Message.Split('\n', 2)[0]) is { Length: > 0 } message => message,
        _ => "an unexpected failure",
    };

    /// <summary>What a class that could not start (a type initializer, a constructor called by reflection: SQLite's provider without its native library) failed on.</summary>
    private static Exception Cause(Exception exception)
    {
        while (exception is TypeInitializationException or System.Reflection.TargetInvocationException && exception.InnerException is { } inner)
        {
            exception = inner;
        }

        return exception;
    }

    /// <summary>The library a load failure names ("Unable to load shared library 'e_sqlite3' …"), in the user's words.</summary>
    private static string LibraryOf(DllNotFoundException missing)
    {
        var message = missing.Message;
        var open = message.IndexOf('\'');
        var close = open < 0 ? -1 : message.IndexOf('\'', open + 1);
        var name = close > open + 1 ? message[(open + 1)..close] : "";
        return name switch
        {
            "e_sqlite3" => "the SQLite library (libe_sqlite3.so)",
            "libvips.so.42" or "libvips-42.dll" or "libvips.42.dylib" => "the image library (libvips)",
            { Length: > 0 } when name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-') => $"the library {name}",
            _ => "a native library",
        };
    }
}
