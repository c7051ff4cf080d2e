/** One Phoenix channel message, as both serializers carry it. */
export interface PhoenixMessage {
  joinRef: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

/**
 * A broadcast whose user payload may be raw bytes. Realtime keeps it apart from ordinary messages
 * because vsn 2.0.0 sends it as a binary frame (so bytes stay bytes), and vsn 1.0.0 can only carry
 * the JSON kind.
 */
export interface UserBroadcast {
  topic: string;
  event: string;
  payload: { encoding: "json"; json: unknown } | { encoding: "binary"; bytes: Buffer };
  meta?: Record<string, unknown>;
}

/** What a socket reads from a client frame: an ordinary message or a binary broadcast push. */
export type Inbound =
  | { kind: "message"; message: PhoenixMessage }
  | { kind: "broadcast"; joinRef: string | null; ref: string | null; broadcast: UserBroadcast };

export interface Serializer {
  readonly vsn: "1.0.0" | "2.0.0";
  decode(data: Buffer, isBinary: boolean): Inbound;
  encode(message: PhoenixMessage): string;
  /**
   * A message whose payload is already JSON: a change sent to hundreds of sockets is serialized
   * once, not once per socket.
   */
  encodeJson(message: Omit<PhoenixMessage, "payload">, payloadJson: string): string;
  /**
   * Frames for one envelope (a channel's postgres_changes) with any payload JSON: the envelope is
   * encoded once, so each frame of a fan-out to hundreds of subscribers is one concatenation.
   */
  framer(message: Omit<PhoenixMessage, "payload">): (payloadJson: string) => string;
  /** Undefined when this serializer cannot represent the broadcast (bytes over vsn 1.0.0). */
  encodeBroadcast(broadcast: UserBroadcast): string | Buffer | undefined;
}

export class ProtocolError extends Error {}

/** The JSON body realtime-js hands to `broadcast` listeners, for frames that carry JSON. */
export function broadcastBody(broadcast: UserBroadcast, payload: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { type: "broadcast", event: broadcast.event, payload };
  if (broadcast.meta) body.meta = broadcast.meta;
  return body;
}

/** A Phoenix ref as a string (clients send numbers too), or null. */
export function asRef(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  return String(value);
}

/** A payload or config object; anything else reads as empty, as Realtime treats it. */
export function asObject(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}
