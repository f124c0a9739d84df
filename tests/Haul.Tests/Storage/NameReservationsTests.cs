using Haul.Storage;
using Shouldly;
using Xunit;

namespace Haul.Tests.Storage;

/// <summary>Distinct target paths within one run: numbered alternatives, and no path shared by two URLs.</summary>
public sealed class NameReservationsTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "haul-namer-root");

    [Fact]
    public void Reserve_SameNameRepeatedly_NumberedAlternatives()
    {
        var reservations = new NameReservations();

        reservations.Reserve(Root, "a.jpg").ShouldBe(Path.Combine(Root, "a.jpg"));
        reservations.Reserve(Root, "a.jpg").ShouldBe(Path.Combine(Root, "a.1.jpg"));
        reservations.Reserve(Root, "a.jpg").ShouldBe(Path.Combine(Root, "a.2.jpg"));
    }

    [Fact]
    public void ReserveExact_PathTakenByAnotherUrl_False()
    {
        var reservations = new NameReservations();
        var path = Path.Combine(Root, "x.bin");
        var a = NameReservations.UrlKey("http://h/a/x.bin", Root, null);
        var b = NameReservations.UrlKey("http://h/b/x.bin", Root, null);

        reservations.Reserve(Root, "x.bin", owner: a).ShouldBe(path);

        reservations.ReserveExact(path, b).ShouldBeFalse();
        reservations.Reserve(Root, "x.bin", owner: b).ShouldBe(Path.Combine(Root, "x.1.bin"));
    }

    [Fact]
    public void ReserveExact_PathTakenWithoutAnOwner_False()
    {
        var reservations = new NameReservations();
        var path = reservations.Reserve(Root, "x.bin");

        reservations.ReserveExact(path, NameReservations.UrlKey("http://h/x.bin", Root, null)).ShouldBeFalse();
    }

    [Fact]
    public void ReserveExact_SameUrlAgain_GetsItsPathBack()
    {
        var reservations = new NameReservations();
        var path = Path.Combine(Root, "x.bin");
        var a = NameReservations.UrlKey("http://h/a/x.bin", Root, null);

        reservations.ReserveExact(path, a).ShouldBeTrue();
        reservations.ReserveExact(path, a).ShouldBeTrue();
        reservations.Reserve(Root, "x.bin").ShouldBe(Path.Combine(Root, "x.1.bin"));
    }

    [Fact]
    public void Reserve_NameWithoutExtension_NumberedAtEnd()
    {
        var reservations = new NameReservations();

        reservations.Reserve(Root, "noext").ShouldBe(Path.Combine(Root, "noext"));
        reservations.Reserve(Root, "noext").ShouldBe(Path.Combine(Root, "noext.1"));
    }

    [Fact]
    public void Reserve_IsFreeRejectsCandidates_SkipsThem()
    {
        var reservations = new NameReservations();
        var onDisk = new HashSet<string> { Path.Combine(Root, "a.jpg"), Path.Combine(Root, "a.1.jpg") };
        var asked = new List<string>();

        var path = reservations.Reserve(Root, "a.jpg", candidate =>
        {
            asked.Add(candidate);
            return !onDisk.Contains(candidate);
        });

        path.ShouldBe(Path.Combine(Root, "a.2.jpg"));
        asked.ShouldBe([Path.Combine(Root, "a.jpg"), Path.Combine(Root, "a.1.jpg"), Path.Combine(Root, "a.2.jpg")]);
    }

    [Fact]
    public void Reserve_RejectedCandidate_StillFreeForLaterReservation()
    {
        var reservations = new NameReservations();
        var first = Path.Combine(Root, "a.jpg");

        reservations.Reserve(Root, "a.jpg", candidate => candidate != first).ShouldBe(Path.Combine(Root, "a.1.jpg"));
        reservations.Reserve(Root, "a.jpg").ShouldBe(first);
        reservations.Reserve(Root, "a.jpg").ShouldBe(Path.Combine(Root, "a.2.jpg"));
    }

    [Fact]
    public void Reserve_AlreadyTakenCandidate_IsFreeNotAsked()
    {
        var reservations = new NameReservations();
        reservations.Reserve(Root, "a.jpg");
        var asked = new List<string>();

        reservations.Reserve(Root, "a.jpg", candidate =>
        {
            asked.Add(candidate);
            return true;
        });

        asked.ShouldBe([Path.Combine(Root, "a.1.jpg")]);
    }

    [Fact]
    public void Reserve_DifferentDirectories_NoCollision()
    {
        var reservations = new NameReservations();
        var one = Path.Combine(Root, "one");
        var two = Path.Combine(Root, "two");

        reservations.Reserve(one, "a.jpg").ShouldBe(Path.Combine(one, "a.jpg"));
        reservations.Reserve(two, "a.jpg").ShouldBe(Path.Combine(two, "a.jpg"));
        reservations.Reserve(one, "a.jpg").ShouldBe(Path.Combine(one, "a.1.jpg"));
    }

    [Fact]
    public void Reserve_DifferentNames_NoCollision()
    {
        var reservations = new NameReservations();

        reservations.Reserve(Root, "a.jpg").ShouldBe(Path.Combine(Root, "a.jpg"));
        reservations.Reserve(Root, "b.jpg").ShouldBe(Path.Combine(Root, "b.jpg"));
    }

    [Fact]
    public void Reserve_ConcurrentSameName_AllDistinct()
    {
        var reservations = new NameReservations();
        var paths = new string[500];

        Parallel.For(0, paths.Length, i => paths[i] = reservations.Reserve(Root, "a.jpg"));

        paths.Distinct().Count().ShouldBe(paths.Length);
        paths.ShouldContain(Path.Combine(Root, "a.jpg"));
        paths.ShouldContain(Path.Combine(Root, "a.499.jpg"));
    }

    [Fact]
    public void TryReserveUrl_SameUrlTwice_FalseWithTheFirstLine()
    {
        var reservations = new NameReservations();
        var key = NameReservations.UrlKey("http://h/x.bin?n=1", Root, null);

        reservations.TryReserveUrl(key, 3, out _).ShouldBeTrue();
        reservations.TryReserveUrl(key, 9, out var firstLine).ShouldBeFalse();

        firstLine.ShouldBe(3);
    }

    [Fact]
    public void TryReserveUrl_FirstWithoutALine_FalseWithNoLine()
    {
        var reservations = new NameReservations();
        var key = NameReservations.UrlKey("http://h/x.bin", Root, null);

        reservations.TryReserveUrl(key, null, out _).ShouldBeTrue();
        reservations.TryReserveUrl(key, 5, out var firstLine).ShouldBeFalse();

        firstLine.ShouldBeNull();
    }

    [Fact]
    public void TryReserveUrl_AllZeroKey_KeptLikeAnyOther()
    {
        var reservations = new NameReservations();

        reservations.TryReserveUrl(UInt128.Zero, 1, out _).ShouldBeTrue();
        reservations.TryReserveUrl(UInt128.Zero, 2, out var firstLine).ShouldBeFalse();

        firstLine.ShouldBe(1);
    }

    [Fact]
    public void ReleaseUrl_ThenTheSameUrl_ReservedAgainWithItsNewLine()
    {
        var reservations = new NameReservations();
        var key = NameReservations.UrlKey("http://h/x.bin", Root, null);
        reservations.TryReserveUrl(key, 1, out _);

        reservations.ReleaseUrl(key);

        reservations.TryReserveUrl(key, 7, out _).ShouldBeTrue();
        reservations.TryReserveUrl(key, 8, out var firstLine).ShouldBeFalse();
        firstLine.ShouldBe(7);
        reservations.UrlCount.ShouldBe(1);
    }

    [Fact]
    public void TryReserveUrl_ManyUrlsAcrossGrowth_EachDuplicateAnswersWithItsFirstLine()
    {
        var reservations = new NameReservations();
        for (var line = 1; line <= 100_000; line++)
        {
            reservations.TryReserveUrl(NameReservations.UrlKey($"http://h/x.bin?n={line}", Root, null), line, out _).ShouldBeTrue();
        }

        for (var line = 1; line <= 100_000; line += 997)
        {
            reservations.TryReserveUrl(NameReservations.UrlKey($"http://h/x.bin?n={line}", Root, null), line + 100_000, out var firstLine).ShouldBeFalse();
            firstLine.ShouldBe(line);
        }

        reservations.UrlCount.ShouldBe(100_000);
    }

    [Fact]
    public void ReleaseUrl_SomeOfManyUrls_OnlyThoseRunAgain()
    {
        var reservations = new NameReservations();
        var keys = Enumerable.Range(1, 20_000).Select(n => NameReservations.UrlKey($"http://h/x.bin?n={n}", Root, null)).ToArray();
        for (var i = 0; i < keys.Length; i++)
        {
            reservations.TryReserveUrl(keys[i], i + 1, out _);
        }

        for (var i = 0; i < keys.Length; i += 3)
        {
            reservations.ReleaseUrl(keys[i]);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            reservations.TryReserveUrl(keys[i], 0, out var firstLine).ShouldBe(i % 3 == 0);
            if (i % 3 != 0)
            {
                firstLine.ShouldBe(i + 1);
            }
        }
    }

    [Fact]
    public void Reserve_ManyUrlsOverFewNames_EveryPathOnceInInputOrder()
    {
        // The shape of a long list over a few files: each name again and again, numbered in order.
        var reservations = new NameReservations();
        var paths = new HashSet<string>();
        for (var n = 0; n < 40_000; n++)
        {
            var name = $"{n % 1_000:D5}.bin";
            var path = reservations.Reserve(Root, name, owner: NameReservations.UrlKey($"http://h/{name}?n={n}", Root, null));
            path.ShouldBe(Path.Combine(Root, FileNamer.WithIndex(name, n / 1_000)));
            paths.Add(path).ShouldBeTrue();
        }

        reservations.PathCount.ShouldBe(40_000);
    }

    [Fact]
    public void ReserveExact_ManyPathsHeld_OwnerGetsItsOwnBackOthersRefused()
    {
        var reservations = new NameReservations();
        var owners = Enumerable.Range(0, 20_000).Select(n => NameReservations.UrlKey($"http://h/{n}.bin", Root, null)).ToArray();
        for (var n = 0; n < owners.Length; n++)
        {
            reservations.ReserveExact(Path.Combine(Root, $"{n}.bin"), owners[n]).ShouldBeTrue();
        }

        for (var n = 0; n < owners.Length; n++)
        {
            reservations.ReserveExact(Path.Combine(Root, $"{n}.bin"), owners[n]).ShouldBeTrue();
            reservations.ReserveExact(Path.Combine(Root, $"{n}.bin"), owners[(n + 1) % owners.Length]).ShouldBeFalse();
        }

        reservations.Reserve(Root, "0.bin").ShouldBe(Path.Combine(Root, "0.1.bin"));
    }
}
