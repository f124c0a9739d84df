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
}
