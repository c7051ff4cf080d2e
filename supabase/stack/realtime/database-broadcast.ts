import type { RowChange } from "./postgres-changes/capture.ts";
import type { UserBroadcast } from "./protocol/message.ts";

/** Inserts into realtime.messages (or, on hosted Supabase, its daily partitions) are broadcasts. */
export function isMessagesInsert(change: RowChange): change is RowChange & { type: "INSERT" } {
  return (
    change.type === "INSERT" &&
    change.relation.schema === "realtime" &&
    change.relation.name.startsWith("messages")
  );
}

/**
 * The broadcast a `realtime.send()` row stands for, as Realtime relays it: the row's event and
 * payload (JSON, or bytes from `realtime.send_binary()`), with the message id as metadata.
 * Undefined for rows that are not broadcasts.
 */
export function broadcastFromRow(
  change: RowChange & { type: "INSERT" },
): { subTopic: string; isPrivate: boolean; broadcast: Omit<UserBroadcast, "topic"> } | undefined {
  const row: Record<string, string | null | undefined> = {};
  change.relation.columns.forEach((column, i) => (row[column.name] = change.newTuple[i]));
  const { topic, event, payload, binary_payload: binaryPayload, id } = row;
  if (row.extension !== "broadcast" || !topic || !event) return undefined;
  let body: UserBroadcast["payload"];
  // bytea arrives in PostgreSQL's hex text form, \x…
  if (binaryPayload)
    body = { encoding: "binary", bytes: Buffer.from(binaryPayload.slice(2), "hex") };
  else if (payload) body = { encoding: "json", json: JSON.parse(payload) };
  else return undefined;
  return {
    subTopic: topic,
    isPrivate: row.private === "t",
    broadcast: { event, payload: body, meta: { id } },
  };
}
