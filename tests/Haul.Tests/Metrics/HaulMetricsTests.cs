using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Haul.Tests.EndToEnd;
using Haul.Tests.Events;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Metrics;

public sealed class HaulMetricsTests
{
    [Fact]
    public async Task Meter_RetriedOkFailedAndSkipped_CountsEachAndReturnsGaugesToZero()
    {
        var content = TestData.Bytes(150_000, seed: 31);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/ok.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "0";
                return;
            }

            await server.ServeAsync(context, content);
        });
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out));
        using var recorded = new Recorded(downloader.Meter);

        await DownloadEventsTests.CollectAsync(downloader, server.Url("/ok.bin"), server.Url("/missing.bin"));
        await DownloadEventsTests.CollectAsync(downloader, server.Url("/ok.bin"));

        TestData.FileSha256(Path.Combine(temp.Out, "ok.bin")).ShouldBe(TestData.Sha256(content));
        recorded.Sum("haul.downloads.started").ShouldBe(2);
        recorded.Sum("haul.downloads.finished").ShouldBe(1);
        recorded.Sum("haul.downloads.skipped").ShouldBe(1);
        recorded.Sum("haul.downloads.failed", "http").ShouldBe(1);
        recorded.Sum("haul.downloads.retries", "http").ShouldBe(1);
        recorded.Sum("haul.http.client.bytes_received").ShouldBe(content.Length);
        recorded.Sum("haul.transfers.active").ShouldBe(0);
        recorded.Max("haul.transfers.active").ShouldBeGreaterThanOrEqualTo(1);
        recorded.Sum("haul.queue.length").ShouldBe(0);
        recorded.Max("haul.queue.length").ShouldBeGreaterThanOrEqualTo(1);
        // 503, 200 and 404: one reply each.
        recorded.Count("haul.download.time_to_first_byte").ShouldBe(3);
        recorded.Units["haul.http.client.bytes_received"].ShouldBe("By");
        recorded.Units["haul.download.time_to_first_byte"].ShouldBe("s");
        recorded.Kinds["haul.transfers.active"].ShouldBe(typeof(UpDownCounter<long>));
        recorded.Kinds["haul.download.time_to_first_byte"].ShouldBe(typeof(Histogram<double>));
    }

    /// <summary>What one downloader's meter records: each instrument's measurements in order, with their error.type.</summary>
    private sealed class Recorded : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentQueue<(string Name, double Value, string? ErrorType)> _measurements = new();

        public Recorded(Meter meter)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    Units[instrument.Name] = instrument.Unit;
                    Kinds[instrument.Name] = instrument.GetType();
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
            _listener.Start();
        }

        public ConcurrentDictionary<string, string?> Units { get; } = new();

        public ConcurrentDictionary<string, Type> Kinds { get; } = new();

        public double Sum(string name, string? errorType = null) =>
            _measurements.Where(m => m.Name == name && (errorType is null || m.ErrorType == errorType)).Sum(m => m.Value);

        public int Count(string name) => _measurements.Count(m => m.Name == name);

        /// <summary>The highest running total an up-down counter reached.</summary>
        public double Max(string name)
        {
            double total = 0, max = 0;
            foreach (var measurement in _measurements.Where(m => m.Name == name))
            {
                total += measurement.Value;
                max = Math.Max(max, total);
            }

            return max;
        }

        public void Dispose() => _listener.Dispose();

        private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            string? errorType = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "error.type")
                {
                    errorType = tag.Value as string;
                }
            }

            _measurements.Enqueue((instrument.Name, value, errorType));
        }
    }
}
