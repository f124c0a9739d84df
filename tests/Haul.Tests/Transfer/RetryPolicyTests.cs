using System.Net.Http;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using Haul.Errors;
using Haul.Transfer;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Xunit;

namespace Haul.Tests.Transfer;

public sealed class RetryPolicyTests
{
    private const string Url = "https://example.org/big.iso";
    private static readonly Uri Uri = new(Url);

    private static readonly DownloadOptions Options = new()
    {
        Retries = 5,
        RetryBaseDelay = TimeSpan.FromSeconds(1),
        RetryMaxDelay = TimeSpan.FromSeconds(60),
        MaxRetryAfter = TimeSpan.FromMinutes(10),
    };

    [Theory]
    [InlineData("connect-refused", "connect")]
    [InlineData("connect-reset", "connect")]
    [InlineData("connect-timeout", "timeout")]
    [InlineData("connect-timed-out", "timeout")]
    [InlineData("idle", "timeout")]
    [InlineData("response-ended", "protocol")]
    [InlineData("body-interrupted", "protocol")]
    [InlineData("short-body", "protocol")]
    [InlineData("bad-range", "protocol")]
    [InlineData("unexpected", "protocol")]
    [InlineData("http-408", "http")]
    [InlineData("http-425", "http")]
    [InlineData("http-429", "http")]
    [InlineData("http-500", "http")]
    [InlineData("http-502", "http")]
    [InlineData("http-503", "http")]
    [InlineData("http-504", "http")]
    public void NextDelay_TransientKind_Retried(string failure, string kind)
    {
        var error = Failure(failure);

        error.Kind.ToName().ShouldBe(kind);
        error.IsTransient.ShouldBeTrue();
        Policy(0.0).NextDelay(error, attemptsMade: 1).ShouldNotBeNull();
    }

    [Theory]
    [InlineData("http-400", "http")]
    [InlineData("http-401", "http")]
    [InlineData("http-403", "http")]
    [InlineData("http-404", "http")]
    [InlineData("http-410", "http")]
    [InlineData("http-416", "http")]
    [InlineData("http-501", "http")]
    [InlineData("http-505", "http")]
    [InlineData("dns", "dns")]
    [InlineData("dns-socket", "dns")]
    [InlineData("tls", "tls")]
    [InlineData("tls-authentication", "tls")]
    [InlineData("checksum", "checksum")]
    [InlineData("redirect-loop", "redirect")]
    [InlineData("redirect-too-many", "redirect")]
    [InlineData("redirect-bad", "redirect")]
    [InlineData("io", "io")]
    [InlineData("invalid-url", "invalid-url")]
    [InlineData("cancelled", "cancelled")]
    public void NextDelay_NonTransientKind_NotRetried(string failure, string kind)
    {
        var error = Failure(failure);

        error.Kind.ToName().ShouldBe(kind);
        error.IsTransient.ShouldBeFalse();
        Policy(0.0).NextDelay(error, attemptsMade: 1).ShouldBeNull();
    }

    [Fact]
    public void NextDelay_NonTransientStatusWithRetryAfter_NotRetried()
    {
        var error = HaulErrors.Status(Url, 404, "Not Found", TimeSpan.FromSeconds(1));

        Policy(0.0).NextDelay(error, attemptsMade: 1).ShouldBeNull();
    }

    [Fact]
    public void NextDelay_AttemptsUpToRetries_RetriedThenStops()
    {
        var policy = new RetryPolicy(Options with { Retries = 3 }, () => 0.0);
        var error = Failure("connect-refused");

        policy.NextDelay(error, attemptsMade: 1).ShouldNotBeNull();
        policy.NextDelay(error, attemptsMade: 2).ShouldNotBeNull();
        policy.NextDelay(error, attemptsMade: 3).ShouldNotBeNull();
        policy.NextDelay(error, attemptsMade: 4).ShouldBeNull();
        policy.NextDelay(error, attemptsMade: 5).ShouldBeNull();
    }

    [Fact]
    public void NextDelay_ZeroRetries_FirstFailureIsFinal()
    {
        var policy = new RetryPolicy(Options with { Retries = 0 }, () => 0.0);

        policy.NextDelay(Failure("http-503"), attemptsMade: 1).ShouldBeNull();
    }

    [Fact]
    public void NextDelay_RetryAfterBeyondRetries_NotRetried()
    {
        var policy = new RetryPolicy(Options with { Retries = 1 }, () => 0.0);
        var error = HaulErrors.Status(Url, 503, "Service Unavailable", TimeSpan.FromSeconds(2));

        policy.NextDelay(error, attemptsMade: 2).ShouldBeNull();
    }

    [Theory]
    [InlineData(429, 0)]
    [InlineData(503, 7)]
    [InlineData(503, 3600)]
    [InlineData(500, 1)]
    public void NextDelay_RetryAfterPresent_UsedInsteadOfBackoff(int status, int seconds)
    {
        var policy = new RetryPolicy(Options with { MaxRetryAfter = TimeSpan.FromHours(1) }, () => 1.0);
        var error = HaulErrors.Status(Url, status, null, TimeSpan.FromSeconds(seconds));

        policy.NextDelay(error, attemptsMade: 4).ShouldBe(TimeSpan.FromSeconds(seconds));
    }

    [Fact]
    public void NextDelay_RetryAfterEqualToMax_Honoured()
    {
        var error = HaulErrors.Status(Url, 429, "Too Many Requests", Options.MaxRetryAfter);

        Policy(0.5).NextDelay(error, attemptsMade: 1).ShouldBe(Options.MaxRetryAfter);
    }

    [Fact]
    public void NextDelay_RetryAfterAboveMax_Refused()
    {
        var error = HaulErrors.Status(Url, 503, "Service Unavailable", Options.MaxRetryAfter + TimeSpan.FromSeconds(1));

        Policy(0.5).NextDelay(error, attemptsMade: 1).ShouldBeNull();
    }

    [Theory]
    [InlineData(1, 500, 1_000)]
    [InlineData(2, 1_000, 2_000)]
    [InlineData(3, 2_000, 4_000)]
    [InlineData(4, 4_000, 8_000)]
    [InlineData(5, 8_000, 16_000)]
    public void NextDelay_Backoff_GrowsExponentiallyWithinHalfStepAndStep(int attemptsMade, int lowMs, int highMs)
    {
        var error = Failure("http-503");

        Policy(0.0).NextDelay(error, attemptsMade).ShouldBe(TimeSpan.FromMilliseconds(lowMs));
        Policy(1.0).NextDelay(error, attemptsMade).ShouldBe(TimeSpan.FromMilliseconds(highMs));
        Policy(0.5).NextDelay(error, attemptsMade).ShouldBe(TimeSpan.FromMilliseconds((lowMs + highMs) / 2));
    }

    [Fact]
    public void NextDelay_Backoff_UsesBaseDelay()
    {
        var policy = new RetryPolicy(Options with { RetryBaseDelay = TimeSpan.FromMilliseconds(100) }, () => 1.0);

        policy.NextDelay(Failure("idle"), attemptsMade: 1).ShouldBe(TimeSpan.FromMilliseconds(100));
        policy.NextDelay(Failure("idle"), attemptsMade: 3).ShouldBe(TimeSpan.FromMilliseconds(400));
    }

    [Theory]
    [InlineData(7)]
    [InlineData(20)]
    [InlineData(1_000)]
    [InlineData(int.MaxValue)]
    public void NextDelay_LateAttempt_CappedAtRetryMaxDelay(int attemptsMade)
    {
        var options = Options with { Retries = int.MaxValue, RetryMaxDelay = TimeSpan.FromSeconds(30) };
        var error = Failure("connect-refused");

        new RetryPolicy(options, () => 0.0).NextDelay(error, attemptsMade).ShouldBe(TimeSpan.FromSeconds(15));
        new RetryPolicy(options, () => 1.0).NextDelay(error, attemptsMade).ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void NextDelay_DefaultRandom_StaysWithinBounds()
    {
        var policy = new RetryPolicy(Options);

        for (var i = 0; i < 1_000; i++)
        {
            var delay = policy.NextDelay(Failure("timeout"), attemptsMade: 3);

            delay.ShouldNotBeNull();
            delay.Value.ShouldBeInRange(TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        }
    }

    [Fact]
    public void From_DeltaSeconds_ThatDelay()
    {
        var now = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero)).GetUtcNow();

        RetryAfter.From(RetryConditionHeaderValue.Parse("120"), now).ShouldBe(TimeSpan.FromSeconds(120));
        RetryAfter.From(new RetryConditionHeaderValue(TimeSpan.FromSeconds(5)), now).ShouldBe(TimeSpan.FromSeconds(5));
        RetryAfter.From(RetryConditionHeaderValue.Parse("0"), now).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void From_FutureHttpDate_TimeUntilThen()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
        var header = RetryConditionHeaderValue.Parse("Wed, 01 Jan 2025 12:01:30 GMT");

        RetryAfter.From(header, time.GetUtcNow()).ShouldBe(TimeSpan.FromSeconds(90));

        time.Advance(TimeSpan.FromSeconds(60));

        RetryAfter.From(header, time.GetUtcNow()).ShouldBe(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void From_HttpDateInOtherOffset_ComparedAsInstant()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 14, 0, 0, TimeSpan.FromHours(2)));
        var header = new RetryConditionHeaderValue(new DateTimeOffset(2025, 1, 1, 12, 0, 10, TimeSpan.Zero));

        RetryAfter.From(header, time.GetUtcNow()).ShouldBe(TimeSpan.FromSeconds(10));
    }

    [Theory]
    [InlineData("Wed, 01 Jan 2025 12:00:00 GMT")]
    [InlineData("Wed, 01 Jan 2025 11:59:59 GMT")]
    [InlineData("Tue, 31 Dec 2024 12:00:00 GMT")]
    public void From_PresentOrPastHttpDate_Zero(string value)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));

        RetryAfter.From(RetryConditionHeaderValue.Parse(value), time.GetUtcNow()).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void From_NullHeader_Null()
    {
        RetryAfter.From(null, new FakeTimeProvider().GetUtcNow()).ShouldBeNull();
    }

    private static RetryPolicy Policy(double random) => new(Options, () => random);

    private static HaulException Failure(string failure) => failure switch
    {
        "connect-refused" => HaulErrors.FromSendFailure(Url, Uri, new HttpRequestException(
            HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused))),
        "connect-reset" => HaulErrors.FromSendFailure(Url, Uri, new HttpRequestException(
            HttpRequestError.ConnectionError, "reset", new SocketException((int)SocketError.ConnectionReset))),
        "connect-timeout" => HaulErrors.FromSendFailure(Url, Uri, new HttpRequestException(
            HttpRequestError.ConnectionError, "slow", new TimeoutException("connect took too long"))),
        "connect-timed-out" => HaulErrors.ConnectTimedOut(Url, Uri, TimeSpan.FromSeconds(20), null),
        "idle" or "timeout" => HaulErrors.Idle(Url, Uri, TimeSpan.FromSeconds(60)),
        "response-ended" => HaulErrors.FromSendFailure(Url, Uri, new HttpRequestException(HttpRequestError.ResponseEnded, "ended")),
        "body-interrupted" => HaulErrors.BodyInterrupted(Url, Uri, 100, 1_000, new IOException("connection reset")),
        "short-body" => HaulErrors.ShortBody(Url, 100, 1_000),
        "bad-range" => HaulErrors.BadRange(Url, "asked for 100-, got 0-999"),
        "unexpected" => HaulErrors.Unexpected(Url, new InvalidOperationException("boom")),
        "dns" => HaulErrors.FromSendFailure(Url, Uri, new HttpRequestException(HttpRequestError.NameResolutionError, "no such host")),
        "dns-socket" => HaulErrors.FromSendFailure(Url, Uri, new HttpRequestException(
            HttpRequestError.Unknown, "lookup", new SocketException((int)SocketError.HostNotFound))),
        "tls" => HaulErrors.FromSendFailure(Url, Uri, new HttpRequestException(HttpRequestError.SecureConnectionError, "handshake")),
        "tls-authentication" => HaulErrors.FromSendFailure(Url, Uri, new HttpRequestException(
            HttpRequestError.Unknown, "handshake", new AuthenticationException("untrusted root"))),
        "checksum" => HaulErrors.Checksum(Url, "sha-256", new string('a', 64), new string('b', 64)),
        "redirect-loop" => HaulErrors.RedirectLoop(Url, Uri),
        "redirect-too-many" => HaulErrors.TooManyRedirects(Url, 10),
        "redirect-bad" => HaulErrors.BadRedirect(Url, "no Location header"),
        "io" => HaulErrors.Storage(Url, "/data/big.iso", new IOException("No space left on device")),
        "invalid-url" => HaulErrors.InvalidUrl("ftp://example.org/x", 3, "not an http(s) URL"),
        "cancelled" => HaulErrors.Cancelled(Url),
        _ when failure.StartsWith("http-", StringComparison.Ordinal) =>
            HaulErrors.Status(Url, int.Parse(failure["http-".Length..], System.Globalization.CultureInfo.InvariantCulture), null, null),
        _ => throw new ArgumentOutOfRangeException(nameof(failure), failure, null),
    };

    [Fact]
    public void NextDelay_ProtocolViolation_NotRetried()
    {
        var policy = new RetryPolicy(Options, () => 0.5);

        policy.NextDelay(HaulErrors.ProtocolViolation(Url, "bad length"), attemptsMade: 1).ShouldBeNull();
        policy.NextDelay(HaulErrors.BadReply(Url, Uri, "two lengths"), attemptsMade: 1).ShouldBeNull();
        policy.NextDelay(HaulErrors.ShortBody(Url, 1, 2), attemptsMade: 1).ShouldNotBeNull();
    }

    [Fact]
    public void NextDelay_HandlerRefusedTheHead_NotRetried()
    {
        var policy = new RetryPolicy(Options, () => 0.5);
        var refused = new HttpRequestException(HttpRequestError.ConfigurationLimitExceeded, "The HTTP response headers length exceeded the set limit.");
        var garbage = new HttpRequestException(HttpRequestError.InvalidResponse, "Received an invalid status line.");

        policy.NextDelay(HaulErrors.FromSendFailure(Url, Uri, refused), attemptsMade: 1).ShouldBeNull();
        policy.NextDelay(HaulErrors.FromSendFailure(Url, Uri, garbage), attemptsMade: 1).ShouldBeNull();
        HaulErrors.FromSendFailure(Url, Uri, garbage).Kind.ShouldBe(ErrorKind.Protocol);
    }
}
