import { randomUUID } from "node:crypto";
import {
  PolicyError,
  readPolicies,
  writePolicy,
  type Extension,
  type Policies,
} from "./authorization.ts";
import type { RealtimeContext } from "./context.ts";
import { Hub } from "./hub.ts";
import type { Identity } from "./identity.ts";
import type { ChangeSubscriber } from "./postgres-changes/deliver.ts";
import {
  resolveBinding,
  SubscriptionError,
  type Binding,
} from "./postgres-changes/subscriptions.ts";
import {
  asObject,
  type PhoenixMessage,
  type Serializer,
  type UserBroadcast,
} from "./protocol/message.ts";
import { wireTextFrame } from "./protocol/wire.ts";
import { checkToken, expiresIn, type Claims } from "./tokens.ts";

/** What a channel needs from the socket it was joined on (Connection). */
export interface ChannelSocket {
  readonly serializer: Serializer;
  /** The apikey the socket connected with: the token of channels that send none. */
  readonly apiKey: string;
  send(message: PhoenixMessage): void;
  sendFrame(frame: string | Buffer): void;
  /** Writes frames made by wireTextFrame, back to back in one buffer. */
  sendWireFrames(frames: Buffer): void;
  reply(
    message: { joinRef: string | null; ref: string | null; topic: string },
    status: "ok" | "error",
    response: Record<string, unknown>,
  ): void;
  /** Called by a channel that ended itself (leave, expired token, revoked access). */
  forget(channel: Channel): void;
}

type Refs = { joinRef: string | null; ref: string | null; topic: string };

/** Realtime re-checks a token at least this often, and at its expiry. */
const TOKEN_CHECK_MS = 5 * 60_000;

function flag(value: unknown): boolean {
  return value === true || value === "true";
}

/** The token a join or access_token message carries; publishable `sb_` keys mean the socket's apikey. */
function tokenOf(payload: Record<string, unknown>, apiKey: string): string {
  const token = payload.access_token ?? payload.user_token;
  return typeof token === "string" && token !== "" && !token.startsWith("sb_") ? token : apiKey;
}

function identityOf(claims: Claims): Identity {
  return { role: claims.role, claims };
}

/**
 * One joined topic of one socket, with Supabase Realtime's behaviour: broadcast (self, ack, private
 * channels under RLS on realtime.messages), presence and postgres_changes listeners, and a token
 * that can be refreshed with `access_token` and closes the channel when it expires.
 */
export class Channel {
  readonly subTopic: string;
  readonly scope: string;
  private identity!: Identity;
  private token!: string;
  private policies: Policies = {};
  private bindings: Binding[] = [];
  private presenceEnabled = false;
  private presenceKey = "";
  private selfBroadcast = false;
  private ackBroadcast = false;
  private tokenTimer: NodeJS.Timeout | undefined;
  private closed = false;
  changeSubscriber: ChangeSubscriber | undefined;

  private constructor(
    readonly connection: ChannelSocket,
    private readonly ctx: RealtimeContext,
    readonly topic: string,
    readonly joinRef: string | null,
    readonly isPrivate: boolean,
  ) {
    this.subTopic = topic.slice("realtime:".length);
    this.scope = Hub.scope(this.subTopic, isPrivate);
  }

  /** Joins and replies; undefined (after an error reply) when the join is refused. */
  static async join(
    connection: ChannelSocket,
    ctx: RealtimeContext,
    message: PhoenixMessage,
  ): Promise<Channel | undefined> {
    const refuse = (reason: string) => {
      connection.reply(message, "error", { reason });
      return undefined;
    };
    if (!message.topic.startsWith("realtime:")) return refuse("unmatched topic");
    if (message.topic === "realtime:")
      return refuse("TopicNameRequired: You must provide a topic name");
    const config = asObject(message.payload.config);
    const channel = new Channel(
      connection,
      ctx,
      message.topic,
      message.joinRef ?? message.ref,
      flag(config.private),
    );

    const broadcast = asObject(config.broadcast);
    const presence = asObject(config.presence);
    channel.selfBroadcast = flag(broadcast.self);
    channel.ackBroadcast = flag(broadcast.ack);
    channel.presenceEnabled = flag(presence.enabled);
    channel.presenceKey =
      typeof presence.key === "string" && presence.key !== "" ? presence.key : randomUUID();

    const token = tokenOf(message.payload, connection.apiKey);
    const check = await checkToken(token, ctx.jwtKeys);
    if (!check.ok) return refuse(`${check.code}: ${check.message}`);
    channel.token = token;
    channel.identity = identityOf(check.claims);

    if (channel.isPrivate) {
      const denied = await channel.authorizeRead();
      if (denied) return refuse(denied);
    }

    const requests = (Array.isArray(config.postgres_changes) ? config.postgres_changes : []).filter(
      (r): r is Record<string, unknown> => typeof r === "object" && r !== null,
    );
    const resolved = await Promise.all(
      requests.map((request) =>
        resolveBinding(ctx.pool, channel.identity, request).catch((error: unknown) => {
          if (error instanceof SubscriptionError) return error;
          throw error;
        }),
      ),
    );
    const failures = resolved.filter((r): r is SubscriptionError => r instanceof SubscriptionError);
    if (failures.length > 0 && flag(asObject(config.postgres_changes_options).wait)) {
      return refuse(
        `RealtimeDisabledForConfiguration: ${failures.map((f) => f.message).join("; ")}`,
      );
    }
    channel.bindings = resolved.filter((r): r is Binding => !(r instanceof SubscriptionError));
    channel.updateChangeSubscriber();

    ctx.hub.add(channel);
    // realtime-js pairs its listeners with these ids by position, so every request gets one.
    const replyIds = resolved.map((r) => (r instanceof SubscriptionError ? 0 : r.id));
    connection.reply(message, "ok", {
      postgres_changes: requests.map((request, i) => ({ ...request, id: replyIds[i] })),
    });

    if (channel.receivesPresence)
      channel.push("presence_state", ctx.hub.presenceState(channel.scope));
    if (requests.length > 0) {
      for (const failure of failures) channel.system("postgres_changes", "error", failure.message);
      if (channel.bindings.length > 0)
        channel.system("postgres_changes", "ok", "Subscribed to PostgreSQL");
    }
    if (flag(broadcast.replication_ready))
      channel.system("system", "ok", "Replication connection established");
    channel.scheduleTokenCheck();
    return channel;
  }

  get mayReadBroadcast(): boolean {
    return !this.isPrivate || this.policies.broadcastRead === true;
  }

  get receivesPresence(): boolean {
    return this.presenceEnabled && (!this.isPrivate || this.policies.presenceRead === true);
  }

  push(event: string, payload: Record<string, unknown>): void {
    this.connection.send({ ...this.envelope(event), payload });
  }

  private envelope(event: string): Omit<PhoenixMessage, "payload"> {
    return { joinRef: this.joinRef, ref: null, topic: this.topic, event };
  }

  async receive(message: PhoenixMessage): Promise<void> {
    const refs: Refs = message;
    switch (message.event) {
      case "phx_leave":
        this.connection.reply(refs, "ok", {});
        this.close();
        return;
      case "access_token":
        await this.refreshToken(message.payload.access_token);
        return;
      case "broadcast":
        await this.receiveBroadcast(
          {
            topic: this.topic,
            event: String(message.payload.event ?? ""),
            payload: { encoding: "json", json: message.payload.payload ?? null },
          },
          refs,
        );
        return;
      case "presence":
        await this.receivePresence(message.payload, refs);
        return;
      default:
        // Realtime ignores events it does not know, without a reply.
        return;
    }
  }

  async receiveBroadcast(broadcast: UserBroadcast, refs: Refs): Promise<void> {
    if (this.isPrivate && !(await this.mayWrite("broadcast"))) {
      if (this.ackBroadcast)
        this.connection.reply(refs, "error", {
          reason: `Unauthorized: You do not have permissions to write to this Channel topic: ${this.subTopic}`,
        });
      return;
    }
    this.ctx.hub.broadcast(this.scope, broadcast, this.selfBroadcast ? undefined : this);
    if (this.ackBroadcast) this.connection.reply(refs, "ok", {});
  }

  private async receivePresence(payload: Record<string, unknown>, refs: Refs): Promise<void> {
    const event = String(payload.event ?? "").toLowerCase();
    if (event === "untrack") {
      this.ctx.hub.untrack(this);
      this.connection.reply(refs, "ok", {});
      return;
    }
    if (event !== "track") {
      this.connection.reply(refs, "error", { reason: `Unknown presence event: ${event}` });
      return;
    }
    const meta = payload.payload ?? {};
    if (typeof meta !== "object" || meta === null || Array.isArray(meta)) {
      this.connection.reply(refs, "error", { reason: "Presence track payload must be a map" });
      return;
    }
    if (this.isPrivate) {
      if (this.policies.presenceRead === undefined) await this.authorizeRead(["presence"]);
      if (!(await this.mayWrite("presence"))) {
        this.connection.reply(refs, "error", {
          reason: `Unauthorized: You do not have permissions to track presence on this Channel topic: ${this.subTopic}`,
        });
        return;
      }
    }
    this.presenceEnabled = true;
    this.ctx.hub.track(this, this.presenceKey, meta as Record<string, unknown>);
    this.connection.reply(refs, "ok", {});
  }

  /** Reads the private topic's SELECT policies; returns the refusal, if any. */
  private async authorizeRead(
    extensions: Extension[] = this.presenceEnabled ? ["broadcast", "presence"] : ["broadcast"],
  ): Promise<string | undefined> {
    const unauthorized = `Unauthorized: You do not have permissions to read from this Channel topic: ${this.subTopic}`;
    try {
      this.policies = {
        ...this.policies,
        ...(await readPolicies(this.ctx.pool, this.identity, this.subTopic, extensions)),
      };
    } catch (error) {
      this.logPolicyError(error);
      return unauthorized;
    }
    return this.policies.broadcastRead || this.policies.presenceRead ? undefined : unauthorized;
  }

  private async mayWrite(extension: Extension): Promise<boolean> {
    const key = extension === "broadcast" ? "broadcastWrite" : "presenceWrite";
    if (this.policies[key] === undefined) {
      try {
        this.policies[key] = await writePolicy(
          this.ctx.pool,
          this.identity,
          this.subTopic,
          extension,
        );
      } catch (error) {
        this.logPolicyError(error);
        return false;
      }
    }
    return this.policies[key] === true;
  }

  /** A policy that failed to run counts as a refusal, logged; any other error goes on up. */
  private logPolicyError(error: unknown): void {
    if (!(error instanceof PolicyError)) throw error;
    this.ctx.log(
      `realtime: RLS policy error on realtime.messages for topic ${this.subTopic}: ${error.message}`,
    );
  }

  private async refreshToken(token: unknown): Promise<void> {
    if (typeof token !== "string" || token === this.token || token.startsWith("sb_")) return;
    const check = await checkToken(token, this.ctx.jwtKeys);
    if (!check.ok) {
      this.shutdown(check.message);
      return;
    }
    const before = this.policies;
    this.token = token;
    this.identity = identityOf(check.claims);
    if (this.isPrivate) {
      this.policies = {};
      const denied = await this.authorizeRead();
      const revoked =
        (before.broadcastRead && !this.policies.broadcastRead) ||
        (before.presenceRead && !this.policies.presenceRead);
      if (denied || revoked) {
        this.shutdown(
          `You no longer have permission to read from this Channel topic: ${this.subTopic}`,
        );
        return;
      }
    }
    this.updateChangeSubscriber();
    this.scheduleTokenCheck();
  }

  private scheduleTokenCheck(): void {
    clearTimeout(this.tokenTimer);
    const ms = Math.max(0, Math.min(TOKEN_CHECK_MS, expiresIn(this.identity.claims) * 1000));
    this.tokenTimer = setTimeout(() => {
      void checkToken(this.token, this.ctx.jwtKeys).then((check) => {
        if (this.closed) return;
        if (check.ok) this.scheduleTokenCheck();
        else this.shutdown(check.message);
      });
    }, ms);
  }

  private updateChangeSubscriber(): void {
    if (this.bindings.length === 0) {
      this.changeSubscriber = undefined;
      return;
    }
    const { serializer } = this.connection;
    const frame = serializer.framer(this.envelope("postgres_changes"));
    this.changeSubscriber = {
      identity: this.identity,
      identityKey: JSON.stringify([this.identity.role, this.identity.claims]),
      bindings: this.bindings,
      frameKey: JSON.stringify([this.identity.role, serializer.vsn, this.joinRef, this.topic]),
      frame: (ids, data) => wireTextFrame(frame(`{"ids":${JSON.stringify(ids)},"data":${data}}`)),
      send: (frames) => this.connection.sendWireFrames(frames),
      warn: (message) => this.system("postgres_changes", "error", message),
    };
  }

  private system(extension: string, status: "ok" | "error", message: string): void {
    this.push("system", { extension, status, message, channel: this.subTopic });
  }

  /** Realtime's way to end a channel: a `system` error naming the reason, then `phx_close`. */
  private shutdown(message: string): void {
    this.system("system", "error", message);
    this.close();
  }

  /** Ends the channel and tells the client with `phx_close`, as Phoenix does when a channel stops. */
  close(): void {
    if (this.closed) return;
    this.connection.send({
      joinRef: this.joinRef,
      ref: this.joinRef,
      topic: this.topic,
      event: "phx_close",
      payload: {},
    });
    this.connection.forget(this);
    this.dispose();
  }

  /** Releases the channel without a word to the client (its socket is gone). */
  dispose(): void {
    this.closed = true;
    clearTimeout(this.tokenTimer);
    this.ctx.hub.remove(this);
  }
}
