/**
 * Splits a query string into PostgREST's parameters: `select`, `columns`, `on_conflict`, and for
 * any path (`embed.` prefixes) `order`, `limit`, `offset`, `and`, `or`; everything else is a filter
 * (or, on GET /rpc, an argument when it has no operator).
 */
import { queryParamError } from "../errors.ts";
import {
  parseColumnList,
  parseEmbedPath,
  parseFilterValue,
  parseLogic,
  parseOrder,
  parseSelect,
  parseTreePath,
} from "./grammar.ts";
import type { QueryParams, RowRange } from "./types.ts";

/** `application/x-www-form-urlencoded` decoding, `+` as space; a bad `%` escape is kept as it is. */
function decode(text: string): string {
  const spaced = text.replace(/\+/g, " ");
  try {
    return decodeURIComponent(spaced);
  } catch {
    return spaced.replace(/%([0-9a-fA-F]{2})/g, (_, hex: string) =>
      String.fromCharCode(Number.parseInt(hex, 16)),
    );
  }
}

/** Pairs in order; a key without `=` has no value and is ignored, as in PostgREST. */
export function splitQuery(query: string): [string, string][] {
  const pairs: [string, string][] = [];
  for (const part of query.split("&")) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    pairs.push([decode(part.slice(0, eq)), decode(part.slice(eq + 1))]);
  }
  return pairs;
}

const lastSegment = (key: string) => key.slice(key.lastIndexOf(".") + 1);

/** Keys, and keys' last segments, that are never filters (see parseQueryParams). */
const notFilterKeys = new Set(["select", "columns", "on_conflict"]);
const notFilterLastSegments = new Set(["order", "limit", "offset", "and", "or"]);

/** A filter value the plan binds as it is, as one parameter of its own: `[not.]eq.`, `neq.`… */
const plainComparison = /^(?:not\.)?(?:eq|neq|gt|gte|lt|lte)\./;

/**
 * `query` with the value of each plain comparison filter (`id=eq.5`, `starts_at=not.gte.…`, an
 * embed's too) replaced by `standIn(i)`, and the values so taken out, decoded, in order. Requests
 * that differ only in these values then read as one query; `reserved` keys are left as they are.
 * A stand-in must read the same decoded and be a valid value (letters, digits and dashes).
 */
export function withComparisonsStoodIn(
  query: string,
  standIn: (index: number) => string,
  reserved: string[] = [],
): { query: string; values: string[] } {
  const values: string[] = [];
  const parts = query.split("&");
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = decode(part.slice(0, eq));
    if (notFilterKeys.has(key) || notFilterLastSegments.has(lastSegment(key))) continue;
    if (reserved.includes(key)) continue;
    const value = decode(part.slice(eq + 1));
    const operator = plainComparison.exec(value)?.[0];
    if (operator === undefined) continue;
    parts[i] = `${part.slice(0, eq)}=${operator}${standIn(values.length)}`;
    values.push(value.slice(operator.length));
  }
  return { query: values.length === 0 ? query : parts.join("&"), values };
}

const pathOf = (key: string) => (key.includes(".") ? key.slice(0, key.lastIndexOf(".")) : "");

function nonNegativeInteger(key: string, value: string): number {
  if (!/^\s*\d+\s*$/.test(value)) {
    throw queryParamError(
      `"failed to parse ${lastSegment(key)} parameter (${value})" (line 1, column 1)`,
      `unexpected ${JSON.stringify(value[0] ?? "")} expecting digit`,
    );
  }
  return Number(value);
}

const valueOf = (pairs: [string, string][], name: string) =>
  pairs.find(([key]) => key === name)?.[1];

/**
 * `isRpcRead`: on GET/HEAD /rpc/fn a parameter whose value is not an operator expression is an
 * argument of the function rather than a filter.
 */
export function parseQueryParams(
  query: string,
  isRpcRead: boolean,
  reserved: string[] = [],
): QueryParams {
  const pairs = splitQuery(query).filter(([key]) => !reserved.includes(key));
  const canonical = [...pairs]
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&");

  const result: QueryParams = {
    canonical,
    select: parseSelect(valueOf(pairs, "select") ?? "*"),
    filters: [],
    rpcArguments: [],
    logic: [],
    order: [],
    ranges: [],
    rootFilterFields: new Set(),
  };
  const columns = valueOf(pairs, "columns");
  if (columns !== undefined) result.columns = parseColumnList(columns, "columns");
  const onConflict = valueOf(pairs, "on_conflict");
  if (onConflict !== undefined) result.onConflict = parseColumnList(onConflict, "on_conflict");

  // Keyed by the path's names joined with NUL, which no name contains.
  const limits = new Map<string, number>();
  const offsets = new Map<string, number>();
  for (const [key, value] of pairs) {
    if (notFilterKeys.has(key)) continue;
    const last = lastSegment(key);
    if (last === "order") {
      result.order.push({ path: parseEmbedPath(pathOf(key)), terms: parseOrder(value) });
    } else if (last === "limit")
      limits.set(parseEmbedPath(pathOf(key)).join("\0"), nonNegativeInteger(key, value));
    else if (last === "offset")
      offsets.set(parseEmbedPath(pathOf(key)).join("\0"), nonNegativeInteger(key, value));
    else if (last === "and" || last === "or") result.logic.push(parseLogic(key, value));
    else {
      const { path, field } = parseTreePath(key);
      if (isRpcRead) {
        let op;
        try {
          op = parseFilterValue(value);
        } catch {
          if (path.length === 0 && field.jsonPath.length === 0) {
            result.rpcArguments.push([field.name, value]);
            continue;
          }
        }
        if (op) {
          result.filters.push({ path, filter: { field, ...op } });
          if (path.length === 0) result.rootFilterFields.add(field.name);
          continue;
        }
      }
      result.filters.push({ path, filter: { field, ...parseFilterValue(value) } });
      if (path.length === 0) result.rootFilterFields.add(field.name);
    }
  }
  for (const path of new Set([...limits.keys(), ...offsets.keys()])) {
    const range: RowRange = { offset: offsets.get(path) ?? 0 };
    const limit = limits.get(path);
    if (limit !== undefined) range.limit = limit;
    result.ranges.push({ path: path === "" ? [] : path.split("\0"), range });
  }
  return result;
}
