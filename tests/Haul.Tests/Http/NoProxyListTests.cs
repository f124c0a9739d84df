using Haul.Http;

namespace Haul.Tests.Http;

public sealed class NoProxyListTests
{
    [Theory]
    [InlineData("example.org", "http://example.org/", true)]
    [InlineData("example.org", "http://img.example.org/", true)]
    [InlineData(".example.org", "http://img.example.org/", true)]
    [InlineData("*.example.org", "http://example.org/", true)]
    [InlineData("example.org", "http://notexample.org/", false)]
    [InlineData("localhost, 127.0.0.0/8", "http://127.0.0.1:8080/", true)]
    [InlineData("10.0.0.0/8", "http://127.0.0.1/", false)]
    [InlineData("::1", "http://[::1]:81/", true)]
    [InlineData("example.org:8080", "http://example.org:8080/", true)]
    [InlineData("example.org:8080", "http://example.org/", false)]
    [InlineData("*", "https://anything.test/", true)]
    [InlineData("", "https://anything.test/", false)]
    public void Contains_CurlRules(string list, string url, bool bypassed) =>
        NoProxyList.Parse(list).Contains(new Uri(url)).ShouldBe(bypassed);

    [Fact]
    public void ProxySelector_CredentialsInUrl_KeptOutOfTheProxyUri()
    {
        var selector = new ProxySelector("http://user:p%40ss@127.0.0.1:3128", null, "internal.test");

        var proxy = selector.GetProxy(new Uri("http://example.org/")).ShouldNotBeNull();
        proxy.UserInfo.ShouldBeEmpty();
        var credential = selector.Credentials!.GetCredential(proxy, "Basic").ShouldNotBeNull();
        credential.Password.ShouldBe("p@ss");
        selector.GetProxy(new Uri("https://example.org/")).ShouldBeNull();
        selector.GetProxy(new Uri("http://a.internal.test/")).ShouldBeNull();
        ProxySelector.Describe("http://user:p%40ss@127.0.0.1:3128").ShouldBe("http://****@127.0.0.1:3128");
    }

    [Fact]
    public void ProxySelector_UnknownScheme_Refused() =>
        Should.Throw<ArgumentException>(() => new ProxySelector("ftp://127.0.0.1:21", null, null)).Message.ShouldContain("socks5://");
}
