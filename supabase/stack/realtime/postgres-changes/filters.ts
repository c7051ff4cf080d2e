/**
 * postgres_changes filters, `column=op.value` as realtime-js sends them (several joined by commas
 * are ANDed). Values are compared in their JSON form: the subscription turns each filter value into
 * `to_jsonb(value::column_type)` in the database once, and every change's record is that same
 * `to_jsonb` of the column, so equal values are equal JSON whatever the type's spelling.
 */

export const filterOperators = ["eq", "neq", "lt", "lte", "gt", "gte", "in"] as const;
export type FilterOperator = (typeof filterOperators)[number];

export interface ParsedCondition {
  column: string;
  op: FilterOperator;
  /** Text as written; one value, or the list of `in.(…)`. */
  values: string[];
}

/** A condition whose values were made JSON by the database. */
export interface Condition {
  column: string;
  op: FilterOperator;
  values: unknown[];
}

export class FilterError extends Error {}

/** Splits on commas outside double quotes and parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let current = "";
  for (const char of text) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === "(") depth++;
    else if (!quoted && char === ")") depth--;
    if (char === "," && !quoted && depth === 0) {
      parts.push(current);
      current = "";
    } else current += char;
  }
  parts.push(current);
  return parts;
}

function unquote(value: string): string {
  return value.length >= 2 && value.startsWith('"') && value.endsWith('"')
    ? value.slice(1, -1).replace(/\\(.)/g, "$1")
    : value;
}

export function parseFilter(filter: string): ParsedCondition[] {
  return splitTopLevel(filter).map((part) => {
    const match = /^([^=]+)=([a-z]+)\.(.*)$/s.exec(part.trim());
    if (!match) throw new FilterError(`invalid filter "${part}": expected column=operator.value`);
    const [, column, op, raw] = match as unknown as [string, string, string, string];
    if (!(filterOperators as readonly string[]).includes(op)) {
      throw new FilterError(
        `invalid filter "${part}": operator "${op}" is not one of ${filterOperators.join(", ")}`,
      );
    }
    if (op === "in") {
      const list = /^\((.*)\)$/s.exec(raw);
      if (!list)
        throw new FilterError(`invalid filter "${part}": in takes a list, such as in.(1,2,3)`);
      return {
        column,
        op,
        values: list[1] === "" ? [] : splitTopLevel(list[1]!).map((v) => unquote(v.trim())),
      };
    }
    return { column, op: op as FilterOperator, values: [unquote(raw)] };
  });
}

function equal(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function compare(a: unknown, b: unknown): number | undefined {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return undefined;
}

/** SQL semantics: a null (or absent) column matches no condition. */
export function matches(conditions: Condition[], record: Record<string, unknown>): boolean {
  // Most listeners have no filter: no callback made for them, per subscriber and change.
  if (conditions.length === 0) return true;
  return conditions.every(({ column, op, values }) => {
    const value = record[column];
    if (value === null || value === undefined) return false;
    if (op === "in") return values.some((v) => equal(value, v));
    if (op === "eq") return equal(value, values[0]);
    if (op === "neq") return !equal(value, values[0]);
    const order = compare(value, values[0]);
    if (order === undefined) return false;
    if (op === "lt") return order < 0;
    if (op === "lte") return order <= 0;
    if (op === "gt") return order > 0;
    return order >= 0;
  });
}
