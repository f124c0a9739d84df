using Haul.Http;

namespace Haul.Tests.Http;

public sealed class NetrcTests
{
    [Fact]
    public void Find_MachineEntry_ElseDefault()
    {
        var netrc = Netrc.Parse("""
            # a comment
            machine files.example.org login alice password "s3cret word"
            machine other.test
              login bob
              password hunter2
            macdef init
            cd /pub
            get file

            default login anonymous password guest@
            """);

        netrc.Find("FILES.example.org").ShouldBe(new NetworkLogin("alice", "s3cret word"));
        netrc.Find("other.test").ShouldBe(new NetworkLogin("bob", "hunter2"));
        netrc.Find("elsewhere.test").ShouldBe(new NetworkLogin("anonymous", "guest@"));
    }

    [Fact]
    public void Find_NoEntryNoDefault_Null() =>
        Netrc.Parse("machine a.test login x password y").Find("b.test").ShouldBeNull();

    [Fact]
    public void ToString_NeverShowsThePassword() =>
        new NetworkLogin("alice", "s3cret").ToString().ShouldNotContain("s3cret");
}
