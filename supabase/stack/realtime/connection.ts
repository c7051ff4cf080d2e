import type { Duplex } from "node:stream";
import type { WebSocket } from "ws";
import { Channel, type ChannelSocket } from "./channel.ts";
import type { RealtimeContext } from "./context.ts";
import {
  ProtocolError,
  type Inbound,
  type PhoenixMessage,
  type Serializer,
} from "./protocol/message.ts";

/**
 * Sockets corked until the current tick ends, so the messages sent to each in one go leave in one
 * write: a system call per message was most of the CPU time delivering to hundreds of subscribers
 * (bench/realtime.ts). One callback uncorks them all: one per socket was a closure and a queued
 * tick for each of 500 subscribers of every broadcast.
 */
const corkedUntilTickEnds = new Set<Duplex>();

function corkUntilTickEnds(socket: Duplex): void {
  if (corkedUntilTickEnds.has(socket)) return;
  if (corkedUntilTickEnds.size === 0) process.nextTick(uncorkAll);
  corkedUntilTickEnds.add(socket);
  socket.cork();
}

function uncorkAll(): void {
  for (const socket of corkedUntilTickEnds) socket.uncork();
  corkedUntilTickEnds.clear();
}

/**
 * One client websocket: decodes frames, answers heartbeats and routes each message to the channel
 * of its topic. Frames are handled one after another, so a join finishes before the pushes that
 * follow it on the same socket.
 */
export class Connection implements ChannelSocket {
  private readonly channels = new Map<string, Channel>();
  private queue: Promise<void> = Promise.resolve();

  constructor(
    private readonly ws: WebSocket,
    readonly serializer: Serializer,
    /** The apikey the socket connected with: the token of channels that send none. */
    readonly apiKey: string,
    private readonly ctx: RealtimeContext,
    /** The socket under `ws`, to batch its writes. */
    private readonly socket: Duplex,
  ) {
    ws.on("message", (data: Buffer, isBinary: boolean) => {
      this.queue = this.queue
        .then(() => this.receive(data, isBinary))
        .catch((error: unknown) => {
          ctx.log(`realtime: ${(error as Error).stack ?? String(error)}`);
        });
    });
    ws.on("close", () => {
      this.queue = this.queue.then(() => {
        for (const channel of this.channels.values()) channel.dispose();
        this.channels.clear();
      });
    });
  }

  send(message: PhoenixMessage): void {
    this.sendFrame(this.serializer.encode(message));
  }

  sendFrame(frame: string | Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    corkUntilTickEnds(this.socket);
    this.ws.send(frame, { binary: typeof frame !== "string" });
  }

  /**
   * Writes frames from wireTextFrame (protocol/wire.ts) as they are, at once: their sender gives
   * each socket all it has in one buffer (postgres-changes/deliver.ts), and a cork would only add
   * Node's buffering of each write. The server negotiates no permessage-deflate, so ws writes each
   * message to the socket at once too (or behind this tick's cork), and frames from both ways leave
   * in call order.
   */
  sendWireFrames(frames: Buffer): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.socket.write(frames);
  }

  reply(
    message: { joinRef: string | null; ref: string | null; topic: string },
    status: "ok" | "error",
    response: Record<string, unknown>,
  ): void {
    this.send({
      joinRef: message.joinRef,
      ref: message.ref,
      topic: message.topic,
      event: "phx_reply",
      payload: { status, response },
    });
  }

  /** Called by a channel that ended itself (leave, expired token, revoked access). */
  forget(channel: Channel): void {
    if (this.channels.get(channel.topic) === channel) this.channels.delete(channel.topic);
  }

  private async receive(data: Buffer, isBinary: boolean): Promise<void> {
    let inbound: Inbound;
    try {
      inbound = this.serializer.decode(data, isBinary);
    } catch (error) {
      // Phoenix drops a socket that sends what it cannot decode.
      this.ctx.log(
        `realtime: closing a socket that sent an invalid frame: ${(error as Error).message}`,
      );
      this.ws.close(
        1003,
        error instanceof ProtocolError ? error.message.slice(0, 120) : "invalid frame",
      );
      return;
    }
    if (inbound.kind === "broadcast") {
      const channel = this.channels.get(inbound.broadcast.topic);
      const refs = { joinRef: inbound.joinRef, ref: inbound.ref, topic: inbound.broadcast.topic };
      if (!channel) this.reply(refs, "error", { reason: "unmatched topic" });
      else await channel.receiveBroadcast(inbound.broadcast, refs);
      return;
    }
    const { message } = inbound;
    if (message.topic === "phoenix" && message.event === "heartbeat") {
      this.reply(message, "ok", {});
      return;
    }
    if (message.event === "phx_join") {
      await this.join(message);
      return;
    }
    const channel = this.channels.get(message.topic);
    if (!channel || (message.joinRef !== null && message.joinRef !== channel.joinRef)) {
      this.reply(message, "error", { reason: "unmatched topic" });
      return;
    }
    await channel.receive(message);
  }

  private async join(message: PhoenixMessage): Promise<void> {
    // Joining a topic again replaces the earlier channel, as Phoenix does.
    this.channels.get(message.topic)?.close();
    const channel = await Channel.join(this, this.ctx, message);
    if (channel) this.channels.set(channel.topic, channel);
  }
}
