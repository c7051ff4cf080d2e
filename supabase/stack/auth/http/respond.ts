import { sendAuthJson } from "../errors.ts";
import type { AuthRequest } from "./request.ts";

export const respond = (r: AuthRequest, body: unknown, status = 200) =>
  sendAuthJson(r.res, status, body);

/** GoTrue answers browser redirects with 303 after /verify and 302 after OAuth steps. */
export function redirect(r: AuthRequest, location: string, status: 302 | 303): void {
  r.res.writeHead(status, { location, "content-length": 0 });
  r.res.end();
}
