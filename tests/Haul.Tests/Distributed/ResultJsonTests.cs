using System.Text.Json;
using Haul.Distributed;
using Haul.Errors;

namespace Haul.Tests.Distributed;

public sealed class ResultJsonTests
{
    [Fact]
    public void ToJson_FileResult_TypeFileFirst()
    {
        var json = ResultJson.ToJson(new DownloadResult { Request = new DownloadRequest("https://example.org/a.jpg"), Status = DownloadStatus.Ok, Bytes = 3 });

        json.ShouldStartWith("{\"type\":\"file\",\"url\":\"https://example.org/a.jpg\"");
    }

    [Fact]
    public void ToJson_PageResult_TypePageWithItsError()
    {
        var result = new DownloadResult
        {
            Request = new DownloadRequest("https://example.org/gone.html"),
            Status = DownloadStatus.Failed,
            Kind = ResultKind.Page,
            Error = HaulErrors.Status("https://example.org/gone.html", 404, "Not Found", null),
        };

        var line = JsonDocument.Parse(ResultJson.ToJson(result)).RootElement;

        line.GetProperty("type").GetString().ShouldBe("page");
        line.GetProperty("status").GetString().ShouldBe("failed");
        line.GetProperty("error").GetProperty("status").GetInt32().ShouldBe(404);
    }
}
