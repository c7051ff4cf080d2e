// Work an app does without a network and hands over once it has one: the staff check-in scanner's
// queue (synced through sync_offline_check_ins, which records each scan once with its scan time)
// and the telemetry uploader (each batch keeps one idempotency key across retries, so a batch
// whose answer was lost is stored once). Queues live in a `QueueStore` the app provides
// (localStorage, IndexedDB, a file); the default keeps them in memory.
import type { OfflineScan } from "./domains/attendance.ts";
import type { TelemetryReceipt } from "./domains/vehicles.ts";
import { PitlaneError } from "./errors.ts";
import type { PitlaneClient } from "./index.ts";
import type { Returns } from "./call.ts";
import { validate } from "./call.ts";
import { TelemetryBatch } from "./schemas/telemetry.ts";

/** Where a queue survives a restart of the app. */
export interface QueueStore<T> {
  load(): Promise<T[]>;
  save(items: T[]): Promise<void>;
}

export function memoryStore<T>(): QueueStore<T> {
  let items: T[] = [];
  return {
    load: () => Promise.resolve([...items]),
    save: (next) => {
      items = [...next];
      return Promise.resolve();
    },
  };
}

/** A failure worth retrying: no answer at all, a rate limit, or the server's own fault. */
const retryable = (error: unknown) =>
  error instanceof PitlaneError &&
  (error.status === 0 || error.status === 429 || error.status >= 500);

/** sync_offline_check_ins takes at most this many scans a call. */
const SYNC_CHUNK = 1000;

export type CheckInResult = Returns<"sync_offline_check_ins">[number];

/** A queued scan: its `ref` comes back as the answer's `client_ref`. */
export type QueuedScan = OfflineScan & { ref: string };

/**
 * The scanner's queue: `scan()` records a QR token with the time it was read, online or not;
 * `sync()` sends what is queued and keeps only what the server did not answer (a network failure
 * mid-way loses nothing, and a scan answered once is never sent again).
 */
export class CheckInQueue {
  #syncing: Promise<CheckInResult[]> | undefined;

  constructor(
    private readonly client: PitlaneClient,
    private readonly deviceId: string,
    private readonly store: QueueStore<
      Required<Pick<OfflineScan, "ref">> & OfflineScan
    > = memoryStore(),
  ) {}

  async scan(token: string, where: { eventId?: string; sessionId?: string } = {}): Promise<string> {
    const ref = crypto.randomUUID();
    const queued = await this.store.load();
    queued.push({
      token,
      scanned_at: new Date().toISOString(),
      ref,
      ...(where.eventId ? { event_id: where.eventId } : {}),
      ...(where.sessionId ? { session_id: where.sessionId } : {}),
    });
    await this.store.save(queued);
    return ref;
  }

  async pending(): Promise<number> {
    return (await this.store.load()).length;
  }

  /** Sends the queue; one answer per scan sent (`client_ref` is the ref `scan()` returned). */
  sync(): Promise<CheckInResult[]> {
    // One sync at a time: a second caller shares the first's answers instead of resending.
    this.#syncing ??= this.#send().finally(() => (this.#syncing = undefined));
    return this.#syncing;
  }

  async #send(): Promise<CheckInResult[]> {
    const answers: CheckInResult[] = [];
    for (;;) {
      const queued = await this.store.load();
      if (queued.length === 0) return answers;
      const chunk = queued.slice(0, SYNC_CHUNK);
      const results = await this.client.attendance.syncOffline(chunk, this.deviceId);
      answers.push(...results);
      const answered = new Set(results.map((result) => result.client_ref));
      // Scans queued while this chunk was out stay for the next round.
      const rest = (await this.store.load()).filter((scan) => !answered.has(scan.ref));
      await this.store.save(rest);
    }
  }
}

interface QueuedBatch {
  idempotencyKey: string;
  batch: TelemetryBatch;
}

export interface TelemetryUploaderOptions {
  store?: QueueStore<QueuedBatch>;
  /** A dongle uploading with its token instead of the signed-in owner. */
  dongleToken?: string;
  /** Pause before the n-th retry of a batch (from 0) when the server gave no Retry-After. */
  backoffMs?: (attempt: number) => number;
  /** Retries of one batch before `flush()` gives up (it stays queued). */
  maxRetries?: number;
  /** How to wait; tests pass one that records the pauses instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
  /** A batch the server refused for good (a 4xx other than 429): dropped from the queue. */
  onRejected?: (batch: TelemetryBatch, error: PitlaneError) => void;
}

const sleepFor = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Telemetry batches queued on the device and uploaded in order. A 429 waits for its Retry-After,
 * a 5xx or a lost connection backs off exponentially (with jitter), and every retry of a batch
 * carries the idempotency key it was queued with.
 */
export class TelemetryUploader {
  readonly #store: QueueStore<QueuedBatch>;
  readonly #options: TelemetryUploaderOptions;
  #flushing: Promise<TelemetryReceipt[]> | undefined;

  constructor(
    private readonly client: PitlaneClient,
    options: TelemetryUploaderOptions = {},
  ) {
    this.#store = options.store ?? memoryStore();
    this.#options = options;
  }

  /** Checks the batch (400 PitlaneError if invalid) and queues it; answers its idempotency key. */
  async enqueue(batch: TelemetryBatch): Promise<string> {
    const checked = validate(TelemetryBatch, batch);
    const idempotencyKey = crypto.randomUUID();
    const queued = await this.#store.load();
    queued.push({ idempotencyKey, batch: checked });
    await this.#store.save(queued);
    return idempotencyKey;
  }

  async pending(): Promise<number> {
    return (await this.#store.load()).length;
  }

  /** Uploads the queue in order; the receipts of what was stored. */
  flush(): Promise<TelemetryReceipt[]> {
    this.#flushing ??= this.#upload().finally(() => (this.#flushing = undefined));
    return this.#flushing;
  }

  async #upload(): Promise<TelemetryReceipt[]> {
    const { backoffMs = (n) => Math.min(60_000, 500 * 2 ** n), maxRetries = 8 } = this.#options;
    const sleep = this.#options.sleep ?? sleepFor;
    const receipts: TelemetryReceipt[] = [];
    for (;;) {
      const [next] = await this.#store.load();
      if (!next) return receipts;
      for (let attempt = 0; ; attempt++) {
        try {
          receipts.push(
            await this.client.vehicles.uploadTelemetry(next.batch, {
              idempotencyKey: next.idempotencyKey,
              dongleToken: this.#options.dongleToken,
            }),
          );
          break;
        } catch (error) {
          if (!retryable(error)) {
            if (error instanceof PitlaneError) this.#options.onRejected?.(next.batch, error);
            else throw error;
            break;
          }
          if (attempt >= maxRetries) throw error;
          const retryAfter = Number((error as PitlaneError).hint);
          await sleep(
            retryAfter > 0 ? retryAfter * 1000 : backoffMs(attempt) * (0.5 + Math.random() / 2),
          );
        }
      }
      await this.#store.save(
        (await this.#store.load()).filter((item) => item.idempotencyKey !== next.idempotencyKey),
      );
    }
  }
}
