/**
 * What the WAL capture delivers, in commit order: runs of row changes to postgres_changes
 * subscribers (postgres-changes/deliver.ts), and database broadcasts (inserts into
 * realtime.messages) to the hub between them.
 */
import type pg from "pg";
import { broadcastFromRow, isMessagesInsert } from "./database-broadcast.ts";
import { Hub } from "./hub.ts";
import type { CommittedChange } from "./postgres-changes/capture.ts";
import { deliverChanges } from "./postgres-changes/deliver.ts";

/** Delivers a batch of committed changes; the capture waits for it before the next batch. */
export function walDelivery(
  pool: pg.Pool,
  hub: Hub,
): (changes: CommittedChange[]) => Promise<void> {
  /** A run of row changes, delivered to the subscribers of the moment. */
  async function deliverRun(run: CommittedChange[]): Promise<void> {
    if (run.length === 0) return;
    const subscribers = hub.changeSubscribers();
    try {
      if (subscribers.length > 0) await deliverChanges(pool, subscribers, run);
    } catch (error) {
      // The database failed under delivery: the subscribers hear it; a lasting failure is
      // reported by the capture, which fails on the same database next.
      for (const subscriber of subscribers)
        subscriber.warn(`Realtime could not deliver database changes: ${(error as Error).message}`);
    }
  }

  return async (changes) => {
    // Row changes and database broadcasts interleave in commit order, so each run of row changes
    // is delivered before the broadcast that follows it.
    let run: CommittedChange[] = [];
    for (const item of changes) {
      const { change } = item;
      if (!isMessagesInsert(change)) {
        run.push(item);
        continue;
      }
      await deliverRun(run);
      run = [];
      const message = broadcastFromRow(change);
      if (message)
        hub.broadcast(Hub.scope(message.subTopic, message.isPrivate), {
          ...message.broadcast,
          topic: message.subTopic,
        });
    }
    await deliverRun(run);
  };
}
