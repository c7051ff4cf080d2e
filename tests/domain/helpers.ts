// Helpers for the domain suites (people, organizations, events, learning, certificates, CPD):
// they talk to PostgreSQL the way PostgREST does, through tests/helpers/db.ts's pooled Db.

import { randomUUID } from "node:crypto";
import { Db, stack, type Claims } from "../helpers/db.ts";

export { anon, claimsFor, Db, serviceRole, type Claims } from "../helpers/db.ts";

export interface DomainStack {
  dbUrl: string;
  db: Db;
  stop(): Promise<void>;
}

/** The run's global stack (built from sql/ and seed/); call in beforeAll and stop() in afterAll. */
export function domainStack(): Promise<DomainStack> {
  const { dbUrl } = stack();
  const db = new Db(dbUrl);
  return Promise.resolve({ dbUrl, db, stop: () => db.end() });
}

export interface User {
  id: string;
  email: string;
  claims: Claims;
}

/** The PostgreSQL error a promise rejects with (fails the test when it resolves). */
export async function pgError(
  promise: Promise<unknown>,
): Promise<{ code: string; message: string; hint?: string }> {
  try {
    await promise;
  } catch (error) {
    return error as { code: string; message: string; hint?: string };
  }
  throw new Error("expected a database error, but the statement succeeded");
}

export const slug = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
