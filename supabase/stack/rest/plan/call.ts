/** Choosing the function a call means among its overloads (PostgREST's findProc), and its arguments. */
import { ambiguousRpc, invalidBody, noRpc } from "../errors.ts";
import type { ApiRequest } from "../http/request.ts";
import type { MediaType } from "../parse/media.ts";
import { qiKey, type Routine, type SchemaCache } from "../schema-cache/types.ts";
import { closest, similarity } from "./suggest.ts";
import type { CallArguments } from "./types.ts";

const bodyParamType: Partial<Record<MediaType["kind"], string[]>> = {
  json: ["json", "jsonb"],
  text: ["text"],
  xml: ["xml"],
  octet: ["bytea"],
};

function takesWholeBody(routine: Routine, contentType: MediaType, isPost: boolean): boolean {
  const [only] = routine.params;
  return (
    isPost &&
    routine.params.length === 1 &&
    only!.name === "" &&
    (bodyParamType[contentType.kind] ?? []).includes(only!.type)
  );
}

function matchesArguments(
  routine: Routine,
  keys: Set<string>,
  contentType: MediaType,
  isPost: boolean,
): boolean {
  if (routine.params.length === 0)
    return keys.size === 0 && !(isPost && ["octet", "text", "xml"].includes(contentType.kind));
  const required = routine.params.filter((p) => p.required).map((p) => p.name);
  const optional = new Set(routine.params.filter((p) => !p.required).map((p) => p.name));
  const given = [...keys].filter((k) => !optional.has(k));
  return given.length === required.length && required.every((name) => keys.has(name));
}

/** Code-point order, as Haskell compares Text. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * PostgREST's order of overloads (its `Ord Routine`): fewer parameters first, then by description
 * (none first) and the parameters' names, types, requiredness and variadicness.
 */
function compareRoutines(a: Routine, b: Routine): number {
  if (a.params.length !== b.params.length) return a.params.length - b.params.length;
  if (a.description !== b.description) {
    if (a.description === undefined) return -1;
    if (b.description === undefined) return 1;
    return compareText(a.description, b.description);
  }
  for (let i = 0; i < a.params.length; i++) {
    const p = a.params[i]!;
    const q = b.params[i]!;
    const order =
      compareText(p.name, q.name) ||
      compareText(p.type, q.type) ||
      Number(p.required) - Number(q.required) ||
      Number(p.variadic) - Number(q.variadic);
    if (order !== 0) return order;
  }
  return 0;
}

const candidates = (routines: Routine[]) => [...routines].sort(compareRoutines).map(signature);

const signature = (r: Routine) =>
  `${r.schema}.${r.name}(${r.params.map((p) => `${p.name} => ${p.type}`).join(", ")})`;

export function findRoutine(
  cache: SchemaCache,
  schema: string,
  name: string,
  keys: Set<string>,
  contentType: MediaType,
  isPost: boolean,
): Routine {
  const overloads = cache.routines.get(qiKey(schema, name)) ?? [];
  const matching = overloads.filter((r) => matchesArguments(r, keys, contentType, isPost));
  if (matching.length === 1) return matching[0]!;
  if (matching.length > 1) throw ambiguousRpc(candidates(matching));
  const bodyTakers = overloads.filter((r) => takesWholeBody(r, contentType, isPost));
  if (bodyTakers.length === 1) return bodyTakers[0]!;
  if (bodyTakers.length > 1) throw ambiguousRpc(candidates(bodyTakers));
  throw noRpcError(cache, schema, name, [...keys], contentType, isPost, overloads);
}

function noRpcError(
  cache: SchemaCache,
  schema: string,
  name: string,
  keys: string[],
  contentType: MediaType,
  isPost: boolean,
  overloads: Routine[],
) {
  const onlyBody = isPost && ["text", "xml", "octet"].includes(contentType.kind);
  const fn = `${schema}.${name}`;
  const args = keys.length === 0 ? " without parameters" : `(${keys.join(", ")})`;
  const message = `Could not find the function ${fn}${onlyBody ? "" : args} in the schema cache`;
  const withParams =
    keys.length === 0
      ? " without parameters"
      : ` with parameter${keys.length > 1 ? "s" : ""} ${keys.join(", ")}`;
  let details = `Searched for the function ${fn}`;
  if (isPost && contentType.kind === "text") details += " with a single unnamed text parameter";
  else if (isPost && contentType.kind === "xml") details += " with a single unnamed xml parameter";
  else if (isPost && contentType.kind === "octet")
    details += " with a single unnamed bytea parameter";
  else if (isPost && contentType.kind === "json")
    details += `${withParams} or with a single unnamed json/jsonb parameter`;
  else details += withParams;
  details += ", but no matches were found in the schema cache.";

  let hint: string | null = null;
  if (!onlyBody) {
    if (overloads.length === 0) {
      const names = [...cache.routines.keys()]
        .filter((k) => k.startsWith(`${schema}\u0000`))
        .map((k) => k.slice(schema.length + 1));
      const best = closest(name, names, 0.75);
      if (best !== undefined) hint = `Perhaps you meant to call the function ${schema}.${best}`;
    } else {
      const asText = (names: string[]) => `(${[...names].sort().join(", ")})`;
      const wanted = asText(keys);
      const candidates = overloads.map((r) => asText(r.params.map((p) => p.name)));
      const best = candidates.reduce<[string, number] | undefined>((acc, c) => {
        const score = similarity(wanted, c);
        return score >= 0.33 && (!acc || score > acc[1]) ? [c, score] : acc;
      }, undefined);
      if (best) hint = `Perhaps you meant to call the function ${schema}.${name}${best[0]}`;
    }
  }
  return noRpc(message, details, hint);
}

/** The argument names a call passes: the query string's for GET, else the form's or the JSON object's keys (or `columns=`). */
export function argumentNames(api: ApiRequest, read: boolean): Set<string> {
  const payload = api.payload;
  return new Set(
    read
      ? api.query.rpcArguments.map(([k]) => k)
      : payload?.kind === "form"
        ? payload.fields.map(([k]) => k)
        : payload?.kind === "rows"
          ? (api.query.columns ?? Object.keys(payload.rows[0] ?? {}))
          : [],
  );
}

/** The call's arguments, from the query string, a form, a JSON object, or the whole body. */
export function callArguments(api: ApiRequest, routine: Routine): CallArguments {
  const [only] = routine.params;
  if (routine.params.length === 1 && only!.name === "") {
    const payload = api.payload!;
    const body = payload.kind === "raw" ? payload.text : payload.kind === "rows" ? payload.raw : "";
    return { kind: "single", body, type: only!.type };
  }
  const byName = new Map(routine.params.map((p) => [p.name, p]));
  const textArgs = (pairs: [string, string][]): CallArguments => {
    const values = new Map<string, string[]>();
    for (const [key, value] of pairs) values.set(key, [...(values.get(key) ?? []), value]);
    return {
      kind: "text",
      values: [...values].map(([key, list]) => {
        const param = byName.get(key)!;
        return [param, param.variadic ? list : list.at(-1)!];
      }),
    };
  };
  if (api.action.kind === "call" && api.action.read)
    return api.query.rpcArguments.length > 0 ? textArgs(api.query.rpcArguments) : { kind: "none" };
  const payload = api.payload!;
  if (payload.kind === "form") return textArgs(payload.fields);
  if (payload.kind !== "rows") throw invalidBody("Empty or invalid json");
  const row = payload.rows[0] ?? {};
  const keys = api.query.columns ?? Object.keys(row);
  const params = keys.map((k) => byName.get(k)!).filter(Boolean);
  return params.length === 0
    ? { kind: "none" }
    : { kind: "json-object", body: JSON.stringify(row), params };
}
