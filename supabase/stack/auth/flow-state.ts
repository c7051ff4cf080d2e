import { randomUUID } from "node:crypto";
import type { Db } from "./db.ts";
import { badRequest, unprocessable } from "./errors.ts";
import type { Flow } from "./email-links.ts";

/** A row of auth.flow_state: one PKCE (or OAuth) flow between its start and the code exchange. */
export interface FlowStateRow {
  id: string;
  user_id: string | null;
  auth_code: string | null;
  code_challenge_method: "s256" | "plain" | null;
  code_challenge: string | null;
  provider_type: string;
  provider_access_token: string | null;
  provider_refresh_token: string | null;
  authentication_method: string;
  auth_code_issued_at: Date | null;
  created_at: Date;
  referrer: string | null;
}

export interface PkceParams {
  codeChallenge: string;
  codeChallengeMethod: string;
}

/** GoTrue's checks on code_challenge (RFC 7636 lengths and alphabet) before a flow starts. */
export function validatePkce({ codeChallenge, codeChallengeMethod }: PkceParams): Flow {
  if (!codeChallenge !== !codeChallengeMethod) {
    throw badRequest(
      "validation_failed",
      "PKCE flow requires code_challenge_method and code_challenge",
    );
  }
  if (!codeChallenge) return "implicit";
  if (codeChallenge.length < 43 || codeChallenge.length > 128) {
    throw badRequest("validation_failed", "code challenge has to be between 43 and 128 characters");
  }
  if (!/^[a-zA-Z._~0-9-]+$/.test(codeChallenge)) {
    throw badRequest(
      "validation_failed",
      "code challenge can only contain alphanumeric characters, hyphens, periods, underscores and tildes",
    );
  }
  if (!["s256", "plain"].includes(codeChallengeMethod.toLowerCase())) {
    throw badRequest(
      "validation_failed",
      `unsupported code_challenge method "${codeChallengeMethod}"`,
    );
  }
  return "pkce";
}

export interface NewFlowState {
  providerType: string;
  authenticationMethod: string;
  pkce?: PkceParams;
  userId?: string;
  referrer?: string;
}

/** Starts a flow; a PKCE flow gets the auth code the app will exchange with its verifier. */
export async function createFlowState(db: Db, flow: NewFlowState): Promise<FlowStateRow> {
  const pkce = flow.pkce?.codeChallenge ? flow.pkce : undefined;
  const { rows } = await db.query<FlowStateRow>(
    `insert into auth.flow_state (id, user_id, auth_code, code_challenge_method, code_challenge, provider_type, authentication_method, referrer, created_at, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, now(), now()) returning *`,
    [
      randomUUID(),
      flow.userId ?? null,
      pkce ? randomUUID() : null,
      pkce ? pkce.codeChallengeMethod.toLowerCase() : null,
      pkce?.codeChallenge ?? null,
      flow.providerType,
      flow.authenticationMethod,
      flow.referrer ?? null,
    ],
  );
  return rows[0]!;
}

export const isPkceFlow = (flow: FlowStateRow) => !!flow.code_challenge;

export async function findFlowState(
  db: Db,
  column: "id" | "auth_code",
  value: string,
  lock = false,
): Promise<FlowStateRow | undefined> {
  const { rows } = await db.query<FlowStateRow>(
    `select * from auth.flow_state where ${column} = $1${lock ? " for update" : ""}`,
    [value],
  );
  return rows[0];
}

/** GoTrue counts a magic link's flow from when its code was issued, every other flow from its start. */
export function isFlowStateExpired(flow: FlowStateRow, expirySeconds: number): boolean {
  const from =
    flow.auth_code_issued_at && flow.authentication_method === "magiclink"
      ? flow.auth_code_issued_at
      : flow.created_at;
  return Date.now() > from.getTime() + expirySeconds * 1000;
}

/** After an emailed PKCE link is followed: the code of the user's latest flow of that kind. */
export async function issueAuthCode(
  db: Db,
  userId: string,
  authenticationMethod: string,
): Promise<string> {
  const { rows } = await db.query<FlowStateRow>(
    `update auth.flow_state set auth_code_issued_at = now(), updated_at = now()
      where id = (select id from auth.flow_state where user_id = $1 and authentication_method = $2 order by created_at desc limit 1)
      returning *`,
    [userId, authenticationMethod],
  );
  const flow = rows[0];
  if (!flow) throw unprocessable("flow_state_not_found", "No valid flow state found for user.");
  if (!flow.auth_code)
    throw unprocessable(
      "flow_state_not_found",
      "Flow state does not have an auth code (not a PKCE flow).",
    );
  return flow.auth_code;
}

/** The `amr` method a PKCE flow stands for, from the verification type of the link (GoTrue's ParseAuthenticationMethod). */
export function authMethodForLinkType(type: string): string {
  return type.endsWith("signup") ? "email/signup" : type;
}
