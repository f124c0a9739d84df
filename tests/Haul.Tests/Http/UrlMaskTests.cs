using Haul.Http;
using Shouldly;
using Xunit;

namespace Haul.Tests.Http;

public sealed class UrlMaskTests
{
    [Theory]
    [InlineData("http://alice:secret@example.org/x", "http://alice:***@example.org/x")]
    [InlineData("https://alice:s%40c:r@example.org:8443/a@b?q=c:d@e#f", "https://alice:***@example.org:8443/a@b?q=c:d@e#f")]
    [InlineData("http://alice:@example.org/", "http://alice:***@example.org/")]
    [InlineData("http://alice@example.org/", "http://alice@example.org/")]
    [InlineData("http://example.org/a:b@c", "http://example.org/a:b@c")]
    [InlineData("http://bob:hunter2@/no-host", "http://bob:***@/no-host")]
    [InlineData("not a url", "not a url")]
    [InlineData("http://alice:***@example.org/", "http://alice:***@example.org/")]
    [InlineData("http://admin:Xy#9k@127.0.0.1:18778/f", "http://admin:***@127.0.0.1:18778/f")]
    [InlineData("http://admin:12#9k@host/", "http://admin:***@host/")]
    [InlineData("https://u:ab/cd?e@host/x", "https://u:***@host/x")]
    [InlineData("http://host:8080/x?mail=a@b", "http://host:8080/x?mail=a@b")]
    [InlineData("http://host:8080/x?a:b@c", "http://host:8080/x?a:b@c")]
    public void Mask_Urls_PasswordHidden(string url, string expected)
    {
        UrlMask.Mask(url).ShouldBe(expected);
    }

    [Fact]
    public void TryTakeLogin_PercentEncodedPassword_DecodedLoginAndMaskedUrl()
    {
        UrlMask.TryTakeLogin("http://al%20ice:p%40ss%3Aw@example.org/x", out var masked, out var login).ShouldBeTrue();

        masked.ShouldBe("http://al%20ice:***@example.org/x");
        login.ShouldBe(new NetworkLogin("al ice", "p@ss:w"));
    }

    [Theory]
    [InlineData("  http://u:p@h.example/x ", "  http://u:***@h.example/x ", "u", "p")]
    [InlineData("http://user%40x:p@h.example/", "http://user%40x:***@h.example/", "user@x", "p")]
    [InlineData("HTTP://u@h.example/", "HTTP://u@h.example/", "u", "")]
    public void TryTakeLogin_UnusualButValidLogins_Taken(string url, string expectedMasked, string user, string password)
    {
        UrlMask.TryTakeLogin(url, out var masked, out var login).ShouldBeTrue();

        masked.ShouldBe(expectedMasked);
        login.ShouldBe(new NetworkLogin(user, password));
    }

    [Theory]
    [InlineData("http://example.org/x")]
    [InlineData("ftp://alice:secret@example.org/x")]
    [InlineData("not a url")]
    [InlineData("http://u:p\uFF20h.example/x")]
    [InlineData("http://u:p\uFE6Bh.example/x")]
    [InlineData("http://u:p%40h.example/x")]
    public void TryTakeLogin_NoUserOrNotHttp_False(string url)
    {
        UrlMask.TryTakeLogin(url, out var masked, out var login).ShouldBeFalse();

        masked.ShouldBe(url);
        login.ShouldBeNull();
    }

    [Fact]
    public void WithoutUserInfo_UriWithLogin_SameUriWithoutIt()
    {
        UrlMask.WithoutUserInfo(new Uri("http://alice:secret@example.org:81/a?b=c")).AbsoluteUri.ShouldBe("http://example.org:81/a?b=c");
    }

    [Fact]
    public void DedupeKey_EntryWithPassword_KeyWithoutUserInfoButEntryKeepsIt()
    {
        var entry = Haul.Distributed.QueueEntry.FromRequest(new DownloadRequest("http://alice:secret@example.org/x"));

        entry.DedupeKey.ShouldBe("http://example.org/x");
        entry.ToRequest().Url.ShouldBe("http://alice:secret@example.org/x");
    }
}
