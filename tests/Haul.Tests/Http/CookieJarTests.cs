using Haul.Http;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Http;

public sealed class CookieJarTests
{
    private static readonly DateTimeOffset Now = new(2025, 3, 1, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void ParseLine_HttpOnlyPrefix_IsCookieNotComment()
    {
        var cookie = NetscapeCookieFile.ParseLine("#HttpOnly_.example.org\tTRUE\t/\tTRUE\t1900000000\tsid\tabc").ShouldNotBeNull();

        cookie.HttpOnly.ShouldBeTrue();
        cookie.Domain.ShouldBe("example.org");
        cookie.HostOnly.ShouldBeFalse();
        cookie.Secure.ShouldBeTrue();
        cookie.Expires.ShouldBe(DateTimeOffset.FromUnixTimeSeconds(1900000000));
        cookie.Value.ShouldBe("abc");
    }

    [Theory]
    [InlineData("# Netscape HTTP Cookie File")]
    [InlineData("")]
    [InlineData("example.org\tTRUE\t/")]
    [InlineData("example.org\tFALSE\t/\tFALSE\tsoon\tname\tvalue")]
    public void ParseLine_CommentOrMalformed_Null(string line) => NetscapeCookieFile.ParseLine(line).ShouldBeNull();

    [Fact]
    public void Read_ExpiredEntries_Dropped()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "cookies.txt");
        File.WriteAllText(path, string.Join('\n',
            "# Netscape HTTP Cookie File",
            $"example.org\tFALSE\t/\tFALSE\t{Now.AddDays(1).ToUnixTimeSeconds()}\tfresh\t1",
            $"example.org\tFALSE\t/\tFALSE\t{Now.AddDays(-1).ToUnixTimeSeconds()}\tstale\t2",
            "example.org\tFALSE\t/\tFALSE\t0\tsession\t3"));

        NetscapeCookieFile.Read(path, Now).Select(cookie => cookie.Name).ShouldBe(["fresh", "session"]);
    }

    [Fact]
    public void HeaderFor_DomainAndPathScoping_LikeABrowser()
    {
        var jar = new CookieJar();
        jar.Add(new StoredCookie("host", "1", "example.org", HostOnly: true, "/", false, false, null), Now);
        jar.Add(new StoredCookie("wide", "2", "example.org", HostOnly: false, "/", false, false, null), Now);
        jar.Add(new StoredCookie("docs", "3", "example.org", HostOnly: true, "/docs", false, false, null), Now);
        jar.Add(new StoredCookie("safe", "4", "example.org", HostOnly: true, "/", Secure: true, false, null), Now);

        jar.HeaderFor(new Uri("http://example.org/docs/a.jpg"), Now).ShouldBe("docs=3; host=1; wide=2");
        jar.HeaderFor(new Uri("https://example.org/docsearch"), Now).ShouldBe("host=1; wide=2; safe=4");
        jar.HeaderFor(new Uri("http://img.example.org/docs/a.jpg"), Now).ShouldBe("wide=2");
        jar.HeaderFor(new Uri("http://notexample.org/"), Now).ShouldBeNull();
        jar.HeaderFor(new Uri("http://example.org.evil.test/"), Now).ShouldBeNull();
    }

    [Fact]
    public void Store_SetCookieAttributes_ScopedAndExpired()
    {
        var jar = new CookieJar();
        var from = new Uri("https://www.example.org/shop/cart");

        jar.Store(from, ["a=1", "b=2; Domain=.example.org; Path=/; Secure; HttpOnly", "c=3; Max-Age=60", "evil=1; Domain=other.test", "tld=1; Domain=org"], Now);

        jar.HeaderFor(new Uri("https://www.example.org/shop/item"), Now).ShouldBe("a=1; c=3; b=2");
        jar.HeaderFor(new Uri("https://cdn.example.org/x"), Now).ShouldBe("b=2");
        jar.HeaderFor(new Uri("https://www.example.org/shop/item"), Now.AddSeconds(61)).ShouldBe("a=1; b=2");
        jar.Store(from, ["a=gone; Expires=Thu, 01 Jan 1970 00:00:00 GMT"], Now);
        jar.HeaderFor(new Uri("https://www.example.org/shop/item"), Now).ShouldBe("c=3; b=2");
        jar.Count.ShouldBe(2);
    }

    [Fact]
    public void Store_SecureCookieOverPlainHttp_Ignored()
    {
        var jar = new CookieJar();

        jar.Store(new Uri("http://example.org/"), ["s=1; Secure"], Now);

        jar.Count.ShouldBe(0);
    }

    [Fact]
    public async Task WriteAsync_ThenRead_SameCookies()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "saved.txt");
        StoredCookie[] cookies =
        [
            new("host", "1", "example.org", true, "/", false, false, Now.AddDays(2)),
            new("wide", "2", "example.org", false, "/a", true, true, null),
        ];

        await NetscapeCookieFile.WriteAsync(path, cookies, TestContext.Current.CancellationToken);

        var read = NetscapeCookieFile.Read(path, Now);
        read.ShouldBe(cookies.Select(cookie => cookie with { Expires = cookie.Expires is { } e ? DateTimeOffset.FromUnixTimeSeconds(e.ToUnixTimeSeconds()) : null }));
        File.ReadAllText(path).ShouldContain("#HttpOnly_.example.org\tTRUE\t/a\tTRUE\t0\twide\t2");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }
}
