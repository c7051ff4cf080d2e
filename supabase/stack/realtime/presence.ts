import { randomBytes } from "node:crypto";

export type Meta = Record<string, unknown> & { phx_ref: string; phx_ref_prev?: string };
/** Phoenix.Presence's wire shape: every key with the metas of each of its tracked sessions. */
export type PresenceMap = Record<string, { metas: Meta[] }>;
export interface PresenceDiff {
  joins: PresenceMap;
  leaves: PresenceMap;
}

/** Who is tracked on one topic: key → tracker → meta. A tracker is one joined channel. */
export class PresenceTopic<Tracker> {
  private readonly keys = new Map<string, Map<Tracker, Meta>>();

  /** Tracks or, when the tracker already has a meta under the key, replaces it (a leave and a join). */
  track(tracker: Tracker, key: string, payload: Record<string, unknown>): PresenceDiff {
    const diff: PresenceDiff = { joins: {}, leaves: {} };
    let metas = this.keys.get(key);
    if (!metas) this.keys.set(key, (metas = new Map()));
    const previous = metas.get(tracker);
    const meta: Meta = { ...payload, phx_ref: newRef() };
    if (previous) {
      meta.phx_ref_prev = previous.phx_ref;
      diff.leaves[key] = { metas: [previous] };
    }
    metas.set(tracker, meta);
    diff.joins[key] = { metas: [meta] };
    return diff;
  }

  /** Removes everything the tracker tracked; undefined when it tracked nothing. */
  untrack(tracker: Tracker): PresenceDiff | undefined {
    const leaves: PresenceMap = {};
    for (const [key, metas] of this.keys) {
      const meta = metas.get(tracker);
      if (!meta) continue;
      metas.delete(tracker);
      if (metas.size === 0) this.keys.delete(key);
      leaves[key] = { metas: [meta] };
    }
    return Object.keys(leaves).length > 0 ? { joins: {}, leaves } : undefined;
  }

  state(): PresenceMap {
    const state: PresenceMap = {};
    for (const [key, metas] of this.keys) state[key] = { metas: [...metas.values()] };
    return state;
  }

  get isEmpty(): boolean {
    return this.keys.size === 0;
  }
}

/** Phoenix refs are opaque strings unique per tracked session. */
function newRef(): string {
  return randomBytes(9).toString("base64url");
}
