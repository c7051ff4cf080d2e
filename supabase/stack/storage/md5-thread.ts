import { Worker } from "node:worker_threads";

/**
 * The thread's code. It is evaluated rather than loaded from a file: `npm start` compiles the
 * stack into one file. Every message is answered, in order: an update once its bytes are hashed,
 * a digest with the hex MD5, a drop once the running hash is gone.
 */
const threadSource = `
const { parentPort } = require("node:worker_threads");
const { createHash } = require("node:crypto");
const running = new Map();
parentPort.on("message", ({ id, bytes, end }) => {
  let hash = running.get(id);
  if (!hash) running.set(id, (hash = createHash("md5")));
  if (bytes) hash.update(bytes);
  if (end) running.delete(id);
  parentPort.postMessage(end === "digest" ? hash.digest("hex") : undefined);
});
`;

interface Reply {
  resolve(hex: string | undefined): void;
  reject(error: Error): void;
}

/** A running MD5 on the thread. */
export interface RunningMd5 {
  /** Resolves once `bytes` are hashed: until then they must not change. */
  update(bytes: Uint8Array): Promise<void>;
  /** The hex MD5 of every byte given, which the thread then forgets. */
  digest(): Promise<string>;
  /** Forgets a hash that will not be finished (a failed upload). */
  drop(): Promise<void>;
}

/**
 * MD5s of uploads, computed on a thread of their own. Hashing is the largest CPU cost of an upload
 * (about as much as receiving its bytes: MD5 runs at some 600 MB/s on one core); here it runs on
 * another core while the event loop receives and writes the next bytes. The bytes are read in
 * place (a SharedArrayBuffer), not copied.
 */
export class Md5Thread {
  private thread: { worker: Worker; replies: Reply[] } | undefined;
  private lastId = 0;

  start(): RunningMd5 {
    const thread = (this.thread ??= this.startThread());
    const id = ++this.lastId;
    const send = (message: { bytes?: Uint8Array; end?: "digest" | "drop" }) => {
      // A thread that failed took its running hashes with it; a new one would start them over.
      if (thread !== this.thread) return Promise.reject(new Error("the MD5 thread failed"));
      return new Promise<string | undefined>((resolve, reject) => {
        thread.replies.push({ resolve, reject });
        thread.worker.postMessage({ id, ...message });
      });
    };
    return {
      update: (bytes) => send({ bytes }).then(() => undefined),
      digest: async () => (await send({ end: "digest" }))!,
      drop: () => send({ end: "drop" }).then(() => undefined),
    };
  }

  async close(): Promise<void> {
    const thread = this.thread;
    this.thread = undefined;
    await thread?.worker.terminate();
  }

  private startThread(): { worker: Worker; replies: Reply[] } {
    const thread = { worker: new Worker(threadSource, { eval: true }), replies: [] as Reply[] };
    // Idle, it must not keep the stack's process alive.
    thread.worker.unref();
    thread.worker.on("message", (hex: string | undefined) => thread.replies.shift()!.resolve(hex));
    const fail = (error: Error) => {
      if (this.thread === thread) this.thread = undefined;
      for (const reply of thread.replies.splice(0)) reply.reject(error);
    };
    thread.worker.on("error", fail);
    thread.worker.on("exit", (code) => fail(new Error(`the MD5 thread exited with code ${code}`)));
    return thread;
  }
}
