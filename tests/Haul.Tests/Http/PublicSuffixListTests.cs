using Haul.Http;

namespace Haul.Tests.Http;

public sealed class PublicSuffixListTests
{
    // A small list with each kind of rule, in the list's own format.
    private static readonly PublicSuffixList Sample = PublicSuffixList.Parse(new StringReader("""
        // ===BEGIN ICANN DOMAINS===
        com
        uk
        co.uk
        // wildcard with an exception
        *.ck
        !www.ck
        *.kawasaki.jp
        !city.kawasaki.jp
        jp
        公司.cn
        cn
        // ===BEGIN PRIVATE DOMAINS===
        github.io   trailing text is ignored
        """));

    [Theory]
    [InlineData("a.example.co.uk", "co.uk", "example.co.uk")]
    [InlineData("example.co.uk", "co.uk", "example.co.uk")]
    [InlineData("co.uk", "co.uk", null)]
    [InlineData("www.example.com", "com", "example.com")]
    [InlineData("a.b.ck", "b.ck", "a.b.ck")]
    [InlineData("b.ck", "b.ck", null)]
    [InlineData("www.ck", "ck", "www.ck")]
    [InlineData("x.www.ck", "ck", "www.ck")]
    [InlineData("city.kawasaki.jp", "kawasaki.jp", "city.kawasaki.jp")]
    [InlineData("shop.town.kawasaki.jp", "town.kawasaki.jp", "shop.town.kawasaki.jp")]
    [InlineData("alice.github.io", "github.io", "alice.github.io")]
    [InlineData("unlisted.example", "example", "unlisted.example")]
    [InlineData("WWW.Example.COM.", "com", "example.com")]
    [InlineData("shop.公司.cn", "xn--55qx5d.cn", "shop.xn--55qx5d.cn")]
    public void RegistrableDomain_Rules_FollowTheListsAlgorithm(string host, string suffix, string? registrable)
    {
        Sample.PublicSuffix(host).ShouldBe(suffix);
        Sample.RegistrableDomain(host).ShouldBe(registrable);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("[::1]")]
    [InlineData("")]
    [InlineData("a..b")]
    public void RegistrableDomain_IpOrMalformed_Null(string host) => Sample.RegistrableDomain(host).ShouldBeNull();

    [Fact]
    public void Default_EmbeddedList_KnowsRealSuffixes()
    {
        var list = PublicSuffixList.Default;

        list.RegistrableDomain("a.example.co.uk").ShouldBe("example.co.uk");
        list.RegistrableDomain("b.example.co.uk").ShouldBe("example.co.uk");
        list.RegistrableDomain("photos.alice.github.io").ShouldBe("alice.github.io");
        list.IsPublicSuffix("co.uk").ShouldBeTrue();
        list.IsPublicSuffix("example.co.uk").ShouldBeFalse();
    }

    [Theory]
    [InlineData("a.co.uk", "co.uk", false)]
    [InlineData("a.example.co.uk", "example.co.uk", true)]
    [InlineData("alice.github.io", "github.io", false)]
    [InlineData("co.uk", "co.uk", true)]
    public void MaySet_PublicSuffixDomain_Refused(string host, string domain, bool expected) =>
        CookieDomain.MaySet(host, domain).ShouldBe(expected);

    [Fact]
    public void Store_CookieForCoUkFromACoUk_NotSentToBCoUk()
    {
        var now = new DateTimeOffset(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);
        var jar = new CookieJar();

        jar.Store(new Uri("https://a.co.uk/"), ["wide=1; Domain=co.uk", "own=2; Domain=a.co.uk"], now);

        jar.HeaderFor(new Uri("https://b.co.uk/"), now).ShouldBeNull();
        jar.HeaderFor(new Uri("https://a.co.uk/"), now).ShouldBe("own=2");
    }
}
