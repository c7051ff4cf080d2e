/**
 * PostgREST's error responses: `{code, details, hint, message}` bodies, its PGRST codes and its
 * mapping from PostgreSQL's SQLSTATE to HTTP status (PostgREST.Error in its source), so that a
 * client branching on `error.code` or on the status behaves the same locally as on Supabase.
 */
import type { DatabaseError } from "pg";
import type { JwtRejected } from "../http/jwt.ts";

export interface ErrorBody {
  code: string;
  details: string | unknown[] | null;
  hint: string | null;
  message: string;
}

export class RestError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
  }
}

function pgrst(
  status: number,
  code: string,
  message: string,
  details: ErrorBody["details"] = null,
  hint: string | null = null,
): RestError {
  return new RestError(status, { code, details, hint, message });
}

// PGRST1xx: the request itself.

/** A query parameter that does not parse; message and details as PostgREST's parser reports them. */
export const queryParamError = (message: string, details: string) =>
  pgrst(400, "PGRST100", message, details);
export const invalidRpcMethod = (method: string) =>
  pgrst(405, "PGRST101", `Cannot use the ${method} method on RPC`);
export const invalidBody = (message: string) => pgrst(400, "PGRST102", message);
export const invalidRange = (details: string) =>
  pgrst(416, "PGRST103", "Requested range not satisfiable", details);
export const invalidFilters = () =>
  pgrst(
    405,
    "PGRST105",
    "Filters must include all and only primary key columns with 'eq' operators",
  );
export const unacceptableSchema = (schema: string, exposed: string[]) =>
  pgrst(
    406,
    "PGRST106",
    `Invalid schema: ${schema}`,
    null,
    `Only the following schemas are exposed: ${exposed.join(", ")}`,
  );
export const mediaTypeError = (types: string[]) =>
  pgrst(406, "PGRST107", `None of these media types are available: ${types.join(", ")}`);
export const notEmbedded = (resource: string) =>
  pgrst(
    400,
    "PGRST108",
    `'${resource}' is not an embedded resource in this request`,
    null,
    `Verify that '${resource}' is included in the 'select' query parameter.`,
  );
export const gucHeadersError = () =>
  pgrst(
    500,
    "PGRST111",
    "response.headers guc must be a JSON array composed of objects with a single key and a string value",
  );
export const gucStatusError = () =>
  pgrst(500, "PGRST112", "response.status guc must be a valid status code");
export const putLimitNotAllowed = () =>
  pgrst(400, "PGRST114", "limit/offset querystring parameters are not allowed for PUT");
export const putMatchingPk = () =>
  pgrst(400, "PGRST115", "Payload values do not match URL in primary key column(s)");
export const singularityError = (rows: number) =>
  pgrst(
    406,
    "PGRST116",
    "Cannot coerce the result to a single JSON object",
    `The result contains ${rows} rows`,
  );
export const unsupportedMethod = (method: string) =>
  pgrst(405, "PGRST117", `Unsupported HTTP method: ${method}`);
export const relatedOrderNotToOne = (origin: string, target: string) =>
  pgrst(
    400,
    "PGRST118",
    `A related order on '${target}' is not possible`,
    `'${origin}' and '${target}' do not form a many-to-one or one-to-one relationship`,
  );
export const invalidPreferences = (prefs: string[]) =>
  pgrst(
    400,
    "PGRST122",
    "Invalid preferences given with handling=strict",
    `Invalid preferences: ${prefs.join(", ")}`,
  );
export const aggregatesNotAllowed = () =>
  pgrst(400, "PGRST123", "Use of aggregate functions is not allowed");
export const notImplemented = (details: string) =>
  pgrst(400, "PGRST127", "Feature not implemented", details);
export const maxAffectedViolation = (rows: number) =>
  pgrst(
    400,
    "PGRST124",
    "Query result exceeds max-affected preference constraint",
    `The query affects ${rows} rows`,
  );
export const invalidResourcePath = () =>
  pgrst(404, "PGRST125", "Invalid path specified in request URL");
export const maxAffectedRpcViolation = () =>
  pgrst(
    400,
    "PGRST128",
    "Function must return SETOF or TABLE when max-affected preference is used with handling=strict",
  );

// PGRST2xx: the schema cache.

export interface RelationshipSummary {
  cardinality: string;
  embedding: string;
  relationship: string;
}

export const noRelBetween = (
  parent: string,
  child: string,
  hint: string | undefined,
  schema: string,
  suggestion: string | null,
) =>
  pgrst(
    400,
    "PGRST200",
    `Could not find a relationship between '${parent}' and '${child}' in the schema cache`,
    `Searched for a foreign key relationship between '${parent}' and '${child}${hint === undefined ? "" : `' using the hint '${hint}`}' in the schema '${schema}', but no matches were found.`,
    suggestion,
  );
export const ambiguousRelBetween = (
  parent: string,
  child: string,
  rels: RelationshipSummary[],
  hints: string[],
) =>
  pgrst(
    300,
    "PGRST201",
    `Could not embed because more than one relationship was found for '${parent}' and '${child}'`,
    rels,
    `Try changing '${child}' to one of the following: ${hints.join(", ")}. Find the desired relationship in the 'details' key.`,
  );
export const noRpc = (message: string, details: string, hint: string | null) =>
  pgrst(404, "PGRST202", message, details, hint);
export const ambiguousRpc = (signatures: string[]) =>
  pgrst(
    300,
    "PGRST203",
    `Could not choose the best candidate function between: ${signatures.join(", ")}`,
    null,
    "Try renaming the parameters or the function itself in the database so function overloading can be resolved",
  );
export const columnNotFound = (relation: string, column: string) =>
  pgrst(
    400,
    "PGRST204",
    `Could not find the '${column}' column of '${relation}' in the schema cache`,
  );
export const tableNotFound = (schema: string, name: string, suggestion: string | null) =>
  pgrst(
    404,
    "PGRST205",
    `Could not find the table '${schema}.${name}' in the schema cache`,
    null,
    suggestion,
  );

/**
 * What PostgreSQL itself would answer for a column that does not exist (42703, 400). PostgREST
 * leaves unknown columns to PostgreSQL; we check them against the schema cache first and answer
 * with the same error without sending the statement.
 */
export const undefinedColumn = (relation: string, column: string) =>
  new RestError(400, {
    code: "42703",
    details: null,
    hint: null,
    message: `column ${relation}.${column} does not exist`,
  });

/** `role "x" does not exist` and similar, for a cast to an unknown type (42704 → 400). */
export const undefinedType = (name: string) =>
  new RestError(400, {
    code: "42704",
    details: null,
    hint: null,
    message: `type "${name}" does not exist`,
  });

/**
 * Two embeds of one parent under the same name: PostgREST names each embed's join
 * `<parent>_<alias or name>_<depth>`, and PostgreSQL refuses the second (42712 → 400).
 */
export const duplicateEmbedAlias = (alias: string) =>
  new RestError(400, {
    code: "42712",
    details: null,
    hint: null,
    message: `table name "${alias}" specified more than once`,
  });

// PGRST3xx: JWT.

function jwtError(code: "PGRST301" | "PGRST303", message: string): RestError {
  const header = `Bearer error="invalid_token", error_description=${JSON.stringify(message)}`;
  return new RestError(
    401,
    { code, details: null, hint: null, message },
    { "WWW-Authenticate": header },
  );
}

/** A refused token in PostgREST's words: PGRST301 for a token it cannot read, PGRST303 for its claims. */
export function jwtRejected({ rejection }: JwtRejected): RestError {
  switch (rejection.reason) {
    case "empty":
      return jwtError("PGRST301", "Empty JWT is sent in Authorization header");
    case "parts":
      return jwtError("PGRST301", `Expected 3 parts in JWT; got ${rejection.parts}`);
    case "expired":
      return jwtError("PGRST303", "JWT expired");
    case "claim-not-number":
      return jwtError("PGRST303", `The JWT '${rejection.claim}' claim must be a number`);
    case "not-yet-valid":
      return jwtError("PGRST303", "JWT not yet valid");
    case "issued-in-future":
      return jwtError("PGRST303", "JWT issued at future");
    case "bad-claims":
      return jwtError("PGRST303", "Parsing claims failed");
    case "algorithm":
      return jwtError("PGRST301", "Wrong or unsupported encoding algorithm");
    case "signature":
      return jwtError("PGRST301", "JWT cryptographic operation failed");
    case "undecodable":
      return jwtError("PGRST301", "JWT couldn't be decoded");
  }
}

// PGRST0xx: the database connection.

export const connectionError = (details: string) =>
  pgrst(503, "PGRST000", "Database connection error.", details);
export const noSchemaCache = () =>
  pgrst(503, "PGRST002", "Could not query the database for the schema cache. Retrying.");

/** PostgREST.Error.mapSQLtoHTTP: the HTTP status for a PostgreSQL error. */
export function sqlStateStatus(code: string, message: string, authenticated: boolean): number {
  const exact: Record<string, number> = {
    "23503": 409,
    "23505": 409,
    "25006": 405,
    "53400": 500,
    "57P01": 503,
    P0001: 400,
    "42P01": 404,
    "42P17": 500,
  };
  if (code === "21000") return message.endsWith("requires a WHERE clause") ? 400 : 500;
  if (code === "22023")
    return message.startsWith("role") && message.endsWith("does not exist") ? 401 : 400;
  if (code === "42883") return message.startsWith("function xmlagg(") ? 406 : 404;
  if (code === "42501") return authenticated ? 403 : 401;
  if (exact[code] !== undefined) return exact[code];
  const byClass: [string, number][] = [
    ["08", 503],
    ["09", 500],
    ["0L", 403],
    ["0P", 403],
    ["25", 500],
    ["28", 403],
    ["2D", 500],
    ["38", 500],
    ["39", 500],
    ["3B", 500],
    ["40", 500],
    ["53", 503],
    ["54", 500],
    ["55", 500],
    ["57", 500],
    ["58", 500],
    ["F0", 500],
    ["HV", 500],
    ["P0", 500],
    ["XX", 500],
  ];
  for (const [prefix, status] of byClass) if (code.startsWith(prefix)) return status;
  if (code.startsWith("PT")) {
    const status = Number(code.slice(2));
    return Number.isInteger(status) && status >= 100 && status <= 599 ? status : 500;
  }
  return 400;
}

/**
 * `raise sqlstate 'PGRST' using message = '{"code":…,"message":…}', detail = '{"status":…,"headers":{…}}'`
 * gives the function full control of the response, as in PostgREST.
 */
function raisePgrst(error: DatabaseError): RestError {
  const parseFailure = (details: string, hint: string) =>
    new RestError(500, {
      code: "PGRST121",
      details,
      hint,
      message: "Could not parse JSON in the \"RAISE SQLSTATE 'PGRST'\" error",
    });
  const objectHint =
    "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.";
  const detailHint =
    "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(error.message) as Record<string, unknown>;
    if (
      typeof body !== "object" ||
      body === null ||
      typeof body.code !== "string" ||
      typeof body.message !== "string"
    )
      throw new Error();
  } catch {
    return parseFailure(`Invalid JSON value for MESSAGE: '${error.message}'`, objectHint);
  }
  if (error.detail === undefined)
    return parseFailure("DETAIL is missing in the RAISE statement", detailHint);
  let detail: Record<string, unknown>;
  try {
    detail = JSON.parse(error.detail) as Record<string, unknown>;
    if (
      typeof detail !== "object" ||
      detail === null ||
      typeof detail.status !== "number" ||
      typeof detail.headers !== "object"
    )
      throw new Error();
  } catch {
    return parseFailure(`Invalid JSON value for DETAIL: '${error.detail}'`, detailHint);
  }
  const headers = Object.fromEntries(
    Object.entries(detail.headers as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
  );
  return new RestError(
    detail.status,
    {
      code: body.code,
      message: body.message,
      details: typeof body.details === "string" ? body.details : null,
      hint: typeof body.hint === "string" ? body.hint : null,
    },
    headers,
  );
}

/** A PostgreSQL error raised while running a request, as PostgREST reports it. */
export function fromPgError(error: DatabaseError, authenticated: boolean): RestError {
  const code = error.code ?? "XX000";
  if (code === "PGRST") return raisePgrst(error);
  const status = sqlStateStatus(code, error.message, authenticated);
  const headers: Record<string, string> = status === 401 ? { "WWW-Authenticate": "Bearer" } : {};
  return new RestError(
    status,
    { code, details: error.detail ?? null, hint: error.hint ?? null, message: error.message },
    headers,
  );
}

/** The body PostgREST sends for an error, with its headers. */
export function errorResponse(error: RestError): {
  status: number;
  headers: Record<string, string>;
  body: string;
} {
  const body = JSON.stringify({
    code: error.body.code,
    details: error.body.details,
    hint: error.body.hint,
    message: error.body.message,
  });
  return {
    status: error.status,
    headers: {
      "Content-Type": "application/json; charset=utf-8",
      "Proxy-Status": `PostgREST; error=${error.body.code}`,
      ...error.headers,
    },
    body,
  };
}
