import type { IncomingMessage } from "node:http";

/** One line a request: status, time, role, method and path, the way a person scans a log. */
export function logRequest(req: IncomingMessage, status: number, milliseconds: number, role: string): void {
  const time = `${milliseconds.toFixed(milliseconds < 10 ? 1 : 0)}ms`.padStart(7);
  console.log(`${status} ${time} ${role.padEnd(13)} ${req.method} ${req.url}`);
}
