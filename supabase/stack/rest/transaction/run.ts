/**
 * Each request is one transaction on an `authenticator` connection, as in PostgREST: the
 * JWT's role, `request.jwt.claims`, `request.headers`, `request.cookies`, `request.method`,
 * `request.path` and the search path are set transaction-locally, so nothing outlives it.
 */
import type pg from "pg";
import type { RestConfig } from "../config.ts";
import { connectionError, fromPgError, RestError } from "../errors.ts";
import { Batch, isDatabaseError, type BatchStatement, type SharedBatches } from "./batch.ts";
import type { Statement } from "../query/statements.ts";
import { ident } from "../../database/identifiers.ts";
import { setConfigList, type Caller } from "../../database/session.ts";

export interface RequestIdentity extends Caller {
  /** A token with a role other than the anonymous one: 42501 is then 403, not 401. */
  authenticated: boolean;
}

export interface RequestSettings {
  method: string;
  path: string;
  headers: Record<string, string>;
  cookies: Record<string, string>;
  schema: string;
}

/** Runs a further statement in the request's transaction. */
export type Run = <R extends pg.QueryResultRow>(
  text: string,
  values: unknown[],
) => Promise<{ rows: R[] }>;

/**
 * Names for the statements requests send again and again, so that each pooled connection parses
 * and plans them once, as PostgREST prepares its statements; planning is most of what PostgreSQL
 * spends on a small read. A text gets a name the second time it is seen among the last `limit`
 * texts, so one-off shapes (a fuzzer, a typo) are never kept on the connections. Names are never
 * reused. One instance serves one schema cache: after a reload statements are parsed afresh, their
 * parameter types inferred from the columns as they are now.
 */
export class StatementNames {
  private static next = 0;
  /** Text → its name once it has one; in order of last use, oldest first. */
  private readonly texts = new Map<string, string | undefined>();

  constructor(private readonly limit = 200) {}

  nameOf(text: string): string | undefined {
    // A text with a name is the common case: one lookup finds it, a long key is costly to compare.
    let name = this.texts.get(text);
    if (name === undefined) {
      if (!this.texts.has(text)) {
        if (this.texts.size >= this.limit) this.texts.delete(this.texts.keys().next().value!);
        this.texts.set(text, undefined);
        return undefined;
      }
      name = `pgrst_${StatementNames.next++}`;
    }
    this.texts.delete(text);
    this.texts.set(text, name);
    return name;
  }
}

/** What `callerSettings` sets, with the search path, in PostgREST's order, every value bound. */
const settingNames = [
  "role",
  "search_path",
  "request.jwt.claims",
  "request.method",
  "request.path",
  "request.headers",
  "request.cookies",
];
const settingSql = setConfigList(
  settingNames,
  settingNames.map((_, i) => `$${i + 1}`),
);

/** The request's settings. */
const settingsStatement = { name: "pgrst_request_settings", text: `SELECT ${settingSql}` };

/** The same for a request without BEGIN READ ONLY: its transaction is made read-only here. */
const readOnlySettingsStatement = {
  name: "pgrst_request_settings_read_only",
  text: `SELECT ${settingSql}, set_config('transaction_read_only', 'on', true)`,
};

/** `search_path` for each configuration and schema: the same few texts serve every request. */
const searchPaths = new WeakMap<RestConfig, Map<string, string>>();

function searchPathFor(config: RestConfig, schema: string): string {
  let bySchema = searchPaths.get(config);
  if (!bySchema) {
    bySchema = new Map();
    searchPaths.set(config, bySchema);
  }
  let text = bySchema.get(schema);
  if (text === undefined) {
    text = [...new Set([schema, ...config.extraSearchPath])].map(ident).join(", ");
    bySchema.set(schema, text);
  }
  return text;
}

/**
 * `request.jwt.claims` for each claims object. The verified-token cache hands every request with
 * the same token the same frozen claims, so the JSON is built once a token rather than once a request.
 */
const claimsTexts = new WeakMap<object, string>();

function claimsText(claims: Record<string, unknown>): string {
  let text = claimsTexts.get(claims);
  if (text === undefined) {
    text = JSON.stringify(claims);
    if (Object.isFrozen(claims)) claimsTexts.set(claims, text);
  }
  return text;
}

export type Ending = "commit" | "rollback";

export interface TransactionPlan {
  identity: RequestIdentity;
  settings: RequestSettings;
  readOnly: boolean;
  /** How the transaction ends unless something fails (`Prefer: tx`, `db_tx_end`). */
  end: Ending;
  /**
   * Whether the end must wait for `work`: when `work` runs further statements or may still refuse
   * the result (a singular response that is not, `max-affected`), which must then undo the
   * statement. Otherwise the end goes out with the statement and a request costs one round trip.
   */
  endAfterWork: boolean;
}

function statementOf(
  names: StatementNames,
  text: string,
  values: readonly unknown[],
): BatchStatement {
  return { text, values, name: names.nameOf(text), rows: true };
}

function send(client: pg.PoolClient, statements: BatchStatement[]): Batch {
  const batch = new Batch(statements);
  client.query(batch);
  return batch;
}

/** What a failed request reports: its own error, PostgreSQL's as PostgREST maps it, or a lost connection. */
function requestError(error: unknown, identity: RequestIdentity): Error {
  if (error instanceof RestError) return error;
  if (isDatabaseError(error)) return fromPgError(error, identity.authenticated);
  return connectionError((error as Error).message);
}

/** `work`'s `run` once the transaction has ended with the batch. */
const noMoreStatements: Run = () =>
  Promise.reject(new Error("a statement after the transaction ended: its plan needs endAfterWork"));

/** The REST service's connections: its pool, and the batches that share them. */
export interface RestConnections {
  pool: pg.Pool;
  shared: SharedBatches;
}

/**
 * Runs `statement` in a transaction as PostgREST runs a request, in one round trip when it can:
 * the settings, the pre-request function and the statement leave in one batch (see Batch). A
 * request that commits whatever `work` makes of its rows needs no BEGIN: its batch is its
 * transaction and shares a connection with others. Otherwise BEGIN opens the batch on a connection
 * of its own, and the transaction's end follows it, or follows `work`: `work` may run further
 * statements, and if it throws, the transaction is rolled back.
 */
export async function inTransaction<R extends pg.QueryResultRow, T>(
  connections: RestConnections,
  names: StatementNames,
  config: RestConfig,
  plan: TransactionPlan,
  statement: Statement,
  work: (rows: R[], run: Run) => Promise<T> | T,
): Promise<T> {
  const { identity, settings } = plan;
  const values = [
    identity.role,
    searchPathFor(config, settings.schema),
    claimsText(identity.claims),
    settings.method,
    settings.path,
    JSON.stringify(settings.headers),
    JSON.stringify(settings.cookies),
  ];
  const alone = plan.endAfterWork || plan.end === "rollback";
  const statements: BatchStatement[] = alone
    ? [{ text: plan.readOnly ? "BEGIN READ ONLY" : "BEGIN" }, { ...settingsStatement, values }]
    : [{ ...(plan.readOnly ? readOnlySettingsStatement : settingsStatement), values }];
  if (config.preRequest) {
    const [schema, name] = config.preRequest.includes(".")
      ? config.preRequest.split(".", 2)
      : [settings.schema, config.preRequest];
    statements.push({ text: `SELECT ${ident(schema!)}.${ident(name!)}()` });
  }
  const main = statements.length;
  statements.push(statementOf(names, statement.text, statement.values));

  if (!alone) {
    const batch = new Batch(statements);
    connections.shared.send(batch);
    let rows: R[];
    try {
      rows = (await batch.results)[main]! as R[];
    } catch (error) {
      throw requestError(error, identity);
    }
    return work(rows, noMoreStatements);
  }

  let client: pg.PoolClient;
  try {
    client = await connections.pool.connect();
  } catch (error) {
    throw connectionError((error as Error).message);
  }
  const end = { text: plan.end === "commit" ? "COMMIT" : "ROLLBACK" };
  if (!plan.endAfterWork) statements.push(end);
  let broken = false;
  // Set once COMMIT or ROLLBACK has run or failed: either way no transaction is left to roll back.
  let ended = false;
  try {
    const first = send(client, statements);
    let rows: R[];
    try {
      rows = (await first.results)[main]! as R[];
    } catch (error) {
      ended = !plan.endAfterWork && first.completed === statements.length - 1;
      throw error;
    }
    ended = !plan.endAfterWork;
    const result = await work(
      rows,
      ended
        ? noMoreStatements
        : async <Q extends pg.QueryResultRow>(text: string, values: unknown[]) => ({
            rows: (await send(client, [statementOf(names, text, values)]).results)[0]! as Q[],
          }),
    );
    if (!ended) {
      ended = true;
      await send(client, [end]).results;
    }
    return result;
  } catch (error) {
    if (!ended) {
      await client.query("ROLLBACK").catch(() => {
        broken = true;
      });
    }
    if (!(error instanceof RestError) && !isDatabaseError(error)) broken = true;
    throw requestError(error, identity);
  } finally {
    client.release(broken);
  }
}
