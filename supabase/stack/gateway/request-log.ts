import type { IncomingMessage } from "node:http";

/**
 * Lines not yet written. Writing to a pipe is synchronous in Node on Linux, so one write a request
 * was a system call in every request's path; lines are gathered and written once an event-loop turn.
 */
let pending: string[] = [];

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
  if (pending.length === 0) setImmediate(flush);
  pending.push(`${status} ${time} ${role.padEnd(13)} ${req.method} ${req.url}\n`);
}
