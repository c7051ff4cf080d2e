import type { IncomingMessage } from "node:http";

/**
 * Lines not yet written. Writing to a pipe is synchronous in Node on Linux, so one write a request
 * was a system call in every request's path, and a wake-up of whatever reads the stack's output; a
 * client waiting on one request at a time got a line, and so a write, per request. Lines are
 * gathered and written at most every `flushMs`, soon enough for a person watching the log.
 */
let pending: string[] = [];
const flushMs = 100;

function flush(): void {
  const lines = pending;
  pending = [];
  process.stdout.write(lines.join(""));
}

// Whatever is still gathered when the process exits is written (the write is synchronous then).
process.on("exit", () => {
  if (pending.length > 0) flush();
});

/** One line a request: status, time, role, method and path, the way a person scans a log. */
export function logRequest(
  req: IncomingMessage,
  status: number,
  milliseconds: number,
  role: string,
): void {
  const time = `${milliseconds.toFixed(milliseconds < 10 ? 1 : 0)}ms`.padStart(7);
  // Unreferenced: what is still gathered when the process exits is written by the exit handler.
  if (pending.length === 0) setTimeout(flush, flushMs).unref();
  pending.push(`${status} ${time} ${role.padEnd(13)} ${req.method} ${req.url}\n`);
}
