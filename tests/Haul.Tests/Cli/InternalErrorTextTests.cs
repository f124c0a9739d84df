using System.Reflection;
using Haul.Cli;

namespace Haul.Tests.Cli;

/// <summary>An unexpected exception reaches the user as one sentence, and an installation missing its native library says which and what to do.</summary>
public sealed class InternalErrorTextTests
{
    [Fact]
    public void Line_SqliteLibraryMissingBehindATypeInitializerAndReflection_NamesItAndTheWayOut()
    {
        var missing = new DllNotFoundException("Unable to load shared library 'e_sqlite3' or one of its dependencies. In order to help diagnose loading problems, consider using a tool like strace.");
        var wrapped = new TypeInitializationException("SQLitePCL.raw", new TargetInvocationException(missing));

        var line = InternalErrorText.Line(wrapped);

        line.ShouldBe("the SQLite library (libe_sqlite3.so), which ships with haul, could not be loaded: the files installed with haul must stay together next to it (reinstall haul; --no-journal runs without SQLite)");
    }

    [Theory]
    [InlineData("Unable to load shared library 'libvips.so.42' or one of its dependencies.", "the image library (libvips)")]
    [InlineData("Unable to load shared library 'libfoo.so' or one of its dependencies.", "the library libfoo.so")]
    [InlineData("Unable to load shared library '\u001b[31mx' or one of its dependencies.", "a native library")]
    [InlineData("no name here", "a native library")]
    public void Line_OtherLibraryMissing_NamesItOnlyWhenTheNameIsPlain(string message, string named)
    {
        InternalErrorText.Line(new DllNotFoundException(message)).ShouldStartWith($"{named}, which ships with haul, could not be loaded");
    }

    [Fact]
    public void Line_AnyOtherFailureInsideATypeInitializer_IsAnInternalErrorInItsOwnWordsWithoutTypeNames()
    {
        var wrapped = new TypeInitializationException("Haul.Something", new InvalidOperationException("The table is full.\nParameter name: x"));

        InternalErrorText.Line(wrapped).ShouldBe("internal error: The table is full.");
    }
}
