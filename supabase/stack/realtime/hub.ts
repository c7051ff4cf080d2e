import type { ChangeSubscriber } from "./postgres-changes/deliver.ts";
import type { Serializer, UserBroadcast } from "./protocol/message.ts";
import { PresenceTopic, type PresenceDiff, type PresenceMap } from "./presence.ts";

/** What the hub needs of a joined channel (Channel). */
export interface HubMember {
  readonly scope: string;
  readonly topic: string;
  readonly mayReadBroadcast: boolean;
  readonly receivesPresence: boolean;
  readonly changeSubscriber: ChangeSubscriber | undefined;
  readonly connection: { readonly serializer: Serializer; sendFrame(frame: string | Buffer): void };
  push(event: string, payload: Record<string, unknown>): void;
}

/**
 * Every joined channel of the stack by scope. A scope is the topic plus whether the channel is
 * private: as on Supabase, a public and a private channel of the same name do not hear each other.
 */
export class Hub {
  private readonly scopes = new Map<string, Set<HubMember>>();
  private readonly presence = new Map<string, PresenceTopic<HubMember>>();

  static scope(subTopic: string, isPrivate: boolean): string {
    return `${isPrivate ? "private" : "public"}:${subTopic}`;
  }

  add(channel: HubMember): void {
    let members = this.scopes.get(channel.scope);
    if (!members) this.scopes.set(channel.scope, (members = new Set()));
    members.add(channel);
  }

  remove(channel: HubMember): void {
    const members = this.scopes.get(channel.scope);
    members?.delete(channel);
    if (members?.size === 0) this.scopes.delete(channel.scope);
    this.untrack(channel);
  }

  /** Sends to every channel of the scope allowed to read broadcasts, encoding once per serializer. */
  broadcast(scope: string, broadcast: UserBroadcast, except?: HubMember): void {
    const frames = new Map<Serializer, string | Buffer | undefined>();
    for (const channel of this.scopes.get(scope) ?? []) {
      if (channel === except || !channel.mayReadBroadcast) continue;
      const serializer = channel.connection.serializer;
      if (!frames.has(serializer))
        frames.set(serializer, serializer.encodeBroadcast({ ...broadcast, topic: channel.topic }));
      const frame = frames.get(serializer);
      if (frame !== undefined) channel.connection.sendFrame(frame);
    }
  }

  track(channel: HubMember, key: string, payload: Record<string, unknown>): void {
    let topic = this.presence.get(channel.scope);
    if (!topic) this.presence.set(channel.scope, (topic = new PresenceTopic()));
    this.sendDiff(channel.scope, topic.track(channel, key, payload));
  }

  untrack(channel: HubMember): void {
    const topic = this.presence.get(channel.scope);
    const diff = topic?.untrack(channel);
    if (topic?.isEmpty) this.presence.delete(channel.scope);
    if (diff) this.sendDiff(channel.scope, diff);
  }

  presenceState(scope: string): PresenceMap {
    return this.presence.get(scope)?.state() ?? {};
  }

  private sendDiff(scope: string, diff: PresenceDiff): void {
    for (const channel of this.scopes.get(scope) ?? []) {
      if (channel.receivesPresence)
        channel.push("presence_diff", diff as unknown as Record<string, unknown>);
    }
  }

  /** Channels listening for postgres_changes, for one batch of changes. */
  changeSubscribers(): ChangeSubscriber[] {
    const subscribers: ChangeSubscriber[] = [];
    for (const members of this.scopes.values()) {
      for (const channel of members)
        if (channel.changeSubscriber) subscribers.push(channel.changeSubscriber);
    }
    return subscribers;
  }
}
