import {
  asObject,
  asRef,
  ProtocolError,
  type Inbound,
  type PhoenixMessage,
  type Serializer,
  type UserBroadcast,
} from "./message.ts";

// Binary frame kinds of Realtime's V2 serializer (a superset of Phoenix's V2 JSON serializer).
const USER_BROADCAST_PUSH = 3;
const USER_BROADCAST = 4;
const BINARY_ENCODING = 0;
const JSON_ENCODING = 1;

function byteLength(value: Buffer, what: string): number {
  if (value.length > 255) throw new ProtocolError(`${what} is longer than 255 bytes`);
  return value.length;
}

/**
 * The default serializer of realtime-js: text frames are arrays `[join_ref, ref, topic, event,
 * payload]`; a client's broadcast arrives as a binary "user broadcast push" and is relayed as a
 * binary "user broadcast", so byte payloads survive untouched.
 */
export const v2Serializer: Serializer = {
  vsn: "2.0.0",

  decode(data, isBinary): Inbound {
    if (isBinary) return decodeUserBroadcastPush(data);
    const value: unknown = JSON.parse(data.toString("utf8"));
    if (!Array.isArray(value) || value.length < 5)
      throw new ProtocolError("expected a V2 array [join_ref, ref, topic, event, payload]");
    const [joinRef, ref, topic, event, payload] = value as unknown[];
    if (typeof topic !== "string" || typeof event !== "string")
      throw new ProtocolError("topic and event must be strings");
    return {
      kind: "message",
      message: {
        joinRef: asRef(joinRef),
        ref: asRef(ref),
        topic,
        event,
        payload: asObject(payload),
      },
    };
  },

  encode(message: PhoenixMessage): string {
    return this.encodeJson(message, JSON.stringify(message.payload));
  },

  encodeJson(message, payloadJson): string {
    return this.framer(message)(payloadJson);
  },

  framer(message) {
    const head = `${JSON.stringify([message.joinRef, message.ref, message.topic, message.event]).slice(0, -1)},`;
    return (payloadJson) => `${head}${payloadJson}]`;
  },

  encodeBroadcast(broadcast: UserBroadcast): Buffer {
    const topic = Buffer.from(broadcast.topic);
    const event = Buffer.from(broadcast.event);
    const meta = broadcast.meta ? Buffer.from(JSON.stringify(broadcast.meta)) : Buffer.alloc(0);
    const body =
      broadcast.payload.encoding === "binary"
        ? broadcast.payload.bytes
        : Buffer.from(JSON.stringify(broadcast.payload.json));
    const header = Buffer.from([
      USER_BROADCAST,
      byteLength(topic, "topic"),
      byteLength(event, "event"),
      byteLength(meta, "metadata"),
      broadcast.payload.encoding === "binary" ? BINARY_ENCODING : JSON_ENCODING,
    ]);
    return Buffer.concat([header, topic, event, meta, body]);
  },
};

function decodeUserBroadcastPush(data: Buffer): Inbound {
  if (data.length < 7 || data[0] !== USER_BROADCAST_PUSH)
    throw new ProtocolError(`unsupported binary frame kind ${data[0]}`);
  const [joinRefSize, refSize, topicSize, eventSize, metaSize, encoding] = [
    data[1]!,
    data[2]!,
    data[3]!,
    data[4]!,
    data[5]!,
    data[6]!,
  ];
  let offset = 7;
  const take = (size: number) => {
    const slice = data.subarray(offset, offset + size);
    if (slice.length !== size)
      throw new ProtocolError("binary frame is shorter than its header says");
    offset += size;
    return slice;
  };
  const joinRef = take(joinRefSize).toString("utf8");
  const ref = take(refSize).toString("utf8");
  const topic = take(topicSize).toString("utf8");
  const event = take(eventSize).toString("utf8");
  take(metaSize); // Client metadata (`persist`) asks for replay storage, which the stack does not keep.
  const body = Buffer.from(data.subarray(offset));
  const payload: UserBroadcast["payload"] =
    encoding === BINARY_ENCODING
      ? { encoding: "binary", bytes: body }
      : { encoding: "json", json: JSON.parse(body.toString("utf8") || "null") };
  return {
    kind: "broadcast",
    joinRef: joinRef || null,
    ref: ref || null,
    broadcast: { topic, event, payload },
  };
}
