import {
  asObject,
  asRef,
  broadcastBody,
  ProtocolError,
  type Inbound,
  type PhoenixMessage,
  type Serializer,
  type UserBroadcast,
} from "./message.ts";

/** Phoenix's V1 JSON serializer: every frame is a text object `{join_ref, ref, topic, event, payload}`. */
export const v1Serializer: Serializer = {
  vsn: "1.0.0",

  decode(data, isBinary): Inbound {
    if (isBinary) throw new ProtocolError("vsn 1.0.0 carries text frames only");
    const value: unknown = JSON.parse(data.toString("utf8"));
    if (typeof value !== "object" || value === null || Array.isArray(value))
      throw new ProtocolError("expected a JSON object");
    const { join_ref, ref, topic, event, payload } = value as Record<string, unknown>;
    if (typeof topic !== "string" || typeof event !== "string")
      throw new ProtocolError("topic and event must be strings");
    return {
      kind: "message",
      message: {
        joinRef: asRef(join_ref),
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
    const { joinRef, ref, topic, event } = message;
    const head = `{"join_ref":${JSON.stringify(joinRef)},"ref":${JSON.stringify(ref)},"topic":${JSON.stringify(topic)},"event":${JSON.stringify(event)},"payload":`;
    return (payloadJson) => `${head}${payloadJson}}`;
  },

  encodeBroadcast(broadcast: UserBroadcast): string | undefined {
    if (broadcast.payload.encoding === "binary") return undefined;
    return this.encode({
      joinRef: null,
      ref: null,
      topic: broadcast.topic,
      event: "broadcast",
      payload: broadcastBody(broadcast, broadcast.payload.json),
    });
  },
};
