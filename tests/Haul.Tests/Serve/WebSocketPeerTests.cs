using System.Net.WebSockets;
using System.Text;
using Haul.Cli.Serve;

namespace Haul.Tests.Serve;

/// <summary>A client that stops reading loses notifications, never the reply to its call.</summary>
public sealed class WebSocketPeerTests
{
    [Fact]
    public async Task SendNowAsync_ClientStalledWhileNotificationsFlood_ReplyStillSent()
    {
        var stream = new StalledStream();
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var peer = new WebSocketPeer(socket, TimeSpan.FromMinutes(5));
        using var stop = new CancellationTokenSource();
        var sending = peer.RunAsync(stop.Token);
        peer.Send(Encoding.UTF8.GetBytes("""{"method":"first"}"""));
        await stream.WriteStarted.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var reply = peer.SendNowAsync(Encoding.UTF8.GetBytes("""{"id":"the-reply"}"""), stop.Token);
        for (var i = 0; i < 5000; i++)
        {
            peer.Send(Encoding.UTF8.GetBytes($$"""{"method":"note{{i}}"}"""));
        }

        stream.Release.SetResult();
        await reply.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        peer.Complete();
        await sending.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        var written = stream.WrittenText();
        written.ShouldContain("the-reply");
        written.ShouldContain("note4999");
        written.ShouldNotContain("\"note0\"");
    }

    [Fact]
    public async Task SendNowAsync_ClientNeverTakesTheReply_ConnectionAbortedAfterTheWriteTimeout()
    {
        var stream = new StalledStream();
        using var socket = WebSocket.CreateFromStream(stream, new WebSocketCreationOptions { IsServer = true, KeepAliveInterval = TimeSpan.Zero });
        var peer = new WebSocketPeer(socket, TimeSpan.FromMilliseconds(50));

        await peer.SendNowAsync(Encoding.UTF8.GetBytes("""{"id":"never-read"}"""), CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        socket.State.ShouldBe(WebSocketState.Aborted);
        stream.WrittenText().ShouldBeEmpty();
    }

    /// <summary>A connection whose first write waits until the test lets it through; reads never complete.</summary>
    private sealed class StalledStream : Stream
    {
        private readonly MemoryStream _written = new();

        public TaskCompletionSource WriteStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public string WrittenText()
        {
            lock (_written)
            {
                return Encoding.UTF8.GetString(_written.ToArray());
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            WriteStarted.TrySetResult();
            await Release.Task.WaitAsync(cancellationToken);
            lock (_written)
            {
                _written.Write(buffer.Span);
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return 0;
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
