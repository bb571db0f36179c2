package dev.meridian.bench.floor;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.util.ArrayDeque;
import java.util.Map;

/**
 * The hop on raw Netty, the way a hand-written router would do it: the request is aggregated (chat
 * requests are small), the response streams through as it arrives, and each event loop keeps its own
 * keep-alive connections to the upstream so a request never changes threads.
 */
final class NettyFloor {
  private NettyFloor() {}

  static void start(FloorProxy.Settings settings) throws InterruptedException {
    boolean epoll = Epoll.isAvailable();
    IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    Class<? extends ServerChannel> serverChannel = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    Class<? extends Channel> clientChannel = epoll ? EpollSocketChannel.class : NioSocketChannel.class;
    MultiThreadIoEventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, io);
    MultiThreadIoEventLoopGroup workers = new MultiThreadIoEventLoopGroup(settings.threads(), io);
    Upstreams upstreams = new Upstreams(settings, clientChannel);
    new ServerBootstrap()
        .group(boss, workers)
        .channel(serverChannel)
        .option(ChannelOption.SO_BACKLOG, 1024)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(
            new ChannelInitializer<SocketChannel>() {
              @Override
              protected void initChannel(SocketChannel ch) {
                ch.pipeline()
                    .addLast(new HttpServerCodec())
                    .addLast(new HttpObjectAggregator(1 << 20))
                    .addLast(new Frontend(settings, upstreams));
              }
            })
        .bind(settings.port())
        .sync();
    System.out.println(
        "netty-floor listening on " + settings.port() + " (" + (epoll ? "epoll" : "nio") + ", " + settings.threads()
            + " event loops, json " + settings.json() + ")");
  }

  /** Idle upstream connections per event loop; only touched from that loop's thread. */
  static final class Upstreams {
    private final FloorProxy.Settings settings;
    private final Class<? extends Channel> channelType;
    private final Map<EventLoop, ArrayDeque<Channel>> idle = new java.util.concurrent.ConcurrentHashMap<>();

    Upstreams(FloorProxy.Settings settings, Class<? extends Channel> channelType) {
      this.settings = settings;
      this.channelType = channelType;
    }

    ArrayDeque<Channel> idleOn(EventLoop loop) {
      return idle.computeIfAbsent(loop, l -> new ArrayDeque<>());
    }

    /** Calls back on {@code loop} with a connected upstream channel, or the failure. */
    void acquire(EventLoop loop, java.util.function.BiConsumer<Channel, Throwable> then) {
      ArrayDeque<Channel> pool = idleOn(loop);
      Channel channel;
      while ((channel = pool.pollFirst()) != null) {
        if (channel.isActive()) {
          then.accept(channel, null);
          return;
        }
      }
      new Bootstrap()
          .group(loop)
          .channel(channelType)
          .option(ChannelOption.TCP_NODELAY, true)
          .handler(
              new ChannelInitializer<Channel>() {
                @Override
                protected void initChannel(Channel ch) {
                  ch.pipeline().addLast(new HttpClientCodec()).addLast(new Backend());
                }
              })
          .connect(settings.upstreamHost(), settings.upstreamPort())
          .addListener((ChannelFutureListener) f -> then.accept(f.isSuccess() ? f.channel() : null, f.cause()));
    }

    void release(Channel channel) {
      if (channel.isActive()) {
        idleOn(channel.eventLoop()).addFirst(channel);
      }
    }
  }

  /** Client side: one request at a time per connection (HTTP/1.1 without pipelining). */
  static final class Frontend extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final FloorProxy.Settings settings;
    private final Upstreams upstreams;
    /** The upstream connection serving this connection's current request, if any. */
    Channel upstream;

    Frontend(FloorProxy.Settings settings, Upstreams upstreams) {
      this.settings = settings;
      this.upstreams = upstreams;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      ByteBuf body;
      if (settings.json()) {
        JsonObject parsed = new JsonObject(Buffer.buffer(ByteBufUtil.getBytes(request.content())));
        body = Unpooled.wrappedBuffer(parsed.toBuffer().getBytes());
      } else {
        body = request.content().retain();
      }
      DefaultFullHttpRequest forward =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, request.method(), settings.upstreamPath(), body);
      forward.headers().set(request.headers());
      forward.headers().set(HttpHeaderNames.HOST, settings.upstreamHost() + ":" + settings.upstreamPort());
      forward.headers().remove(HttpHeaderNames.CONNECTION);
      forward.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      Channel client = ctx.channel();
      upstreams.acquire(
          client.eventLoop(),
          (channel, failure) -> {
            if (channel == null) {
              forward.release();
              DefaultFullHttpResponse error = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.BAD_GATEWAY);
              error.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
              client.writeAndFlush(error).addListener(ChannelFutureListener.CLOSE);
              return;
            }
            upstream = channel;
            channel.pipeline().get(Backend.class).serve(client, keepAlive, upstreams);
            channel.writeAndFlush(forward);
          });
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (upstream != null) {
        upstream.close(); // mid-response: the connection's state is unknown, do not reuse it
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }

  /** Upstream side: relays the response's parts to the client as they arrive. */
  static final class Backend extends SimpleChannelInboundHandler<HttpObject> {
    private Channel client;
    private boolean clientKeepAlive;
    private Upstreams upstreams;

    Backend() {
      super(false); // the parts are handed on to the client channel, which releases them
    }

    void serve(Channel client, boolean keepAlive, Upstreams upstreams) {
      this.client = client;
      this.clientKeepAlive = keepAlive;
      this.upstreams = upstreams;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject part) {
      if (client == null) {
        ReferenceCountUtil.release(part);
        return;
      }
      if (part instanceof HttpResponse response && !clientKeepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, "close");
      }
      if (part instanceof LastHttpContent) {
        Channel done = client;
        boolean keepAlive = clientKeepAlive;
        client = null;
        done.pipeline().get(Frontend.class).upstream = null;
        upstreams.release(ctx.channel());
        done.writeAndFlush(part).addListener(keepAlive ? ChannelFutureListener.CLOSE_ON_FAILURE : ChannelFutureListener.CLOSE);
      } else if (part instanceof HttpContent) {
        client.writeAndFlush(part); // one flush per chunk: SSE events must not wait for the next one
      } else {
        client.write(part);
      }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (client != null) {
        client.close(); // the upstream went away mid-response
        client = null;
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
