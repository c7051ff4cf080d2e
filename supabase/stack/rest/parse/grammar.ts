/**
 * PostgREST's query-string grammar (ApiRequest.QueryParams in its source), written by hand:
 * select lists, filters, logic trees, order terms and column lists.
 */
import { Cursor, memoized, parseAll } from "./cursor.ts";
import type {
  AggregateFunction,
  EmbedPath,
  Field,
  Filter,
  FtsOperator,
  IsValue,
  JoinType,
  JsonStep,
  LogicTree,
  Operation,
  OrderTerm,
  QuantOperator,
  SelectItem,
  SimpleOperator,
} from "./types.ts";

const identifierChar = (c: string) => /[\p{L}\p{N}_ $]/u.test(c);

/** `"quoted \" name"`, with backslash escapes. */
function quoted(c: Cursor): string {
  c.expect('"');
  let value = "";
  for (;;) {
    const ch = c.peek();
    if (ch === undefined) c.fail('"\\""');
    c.pos++;
    if (ch === '"') return value;
    if (ch === "\\") {
      const escaped = c.peek();
      if (escaped === undefined) c.fail("any character");
      value += escaped;
      c.pos++;
    } else value += ch;
  }
}

/** Identifiers joined by dashes that do not start an arrow: `first-name` but not `data->x`. */
function dashed(c: Cursor, part: (c: Cursor) => string): string {
  const parts = [part(c)];
  while (c.lookingAt("-") && !c.lookingAt("->")) {
    c.pos++;
    parts.push(part(c));
  }
  return parts.join("-");
}

function identifier(c: Cursor): string {
  const text = c.takeWhile(identifierChar);
  if (text === "") c.fail("field name (* or [a..z0..9_$])");
  return text.trim();
}

export function fieldName(c: Cursor): string {
  if (c.peek() === '"') return quoted(c);
  return dashed(c, identifier);
}

function jsonKeyIdentifier(c: Cursor): string {
  const text = c.takeWhile((ch) => !"(-:.,>)".includes(ch));
  if (text === "") c.fail("any non reserved character different from: .,>()");
  return text.trim();
}

export function jsonPath(c: Cursor): JsonStep[] {
  const steps: JsonStep[] = [];
  for (;;) {
    let arrow: JsonStep["arrow"];
    if (c.accept("->>")) arrow = "->>";
    else if (c.accept("->")) arrow = "->";
    else return steps;
    const index = c.attempt(() => {
      const sign = c.accept("-") ? "-" : "";
      const digits = c.takeWhile((ch) => ch >= "0" && ch <= "9");
      if (digits === "") c.fail("digit");
      if (!(
        c.eof() ||
        c.lookingAt("->") ||
        c.lookingAt("::") ||
        c.lookingAt(".") ||
        c.lookingAt(",")
      ))
        c.fail("end of index");
      return sign + digits;
    });
    if (index !== undefined) steps.push({ arrow, operand: { kind: "index", index } });
    else
      steps.push({
        arrow,
        operand: { kind: "key", key: c.peek() === '"' ? quoted(c) : dashed(c, jsonKeyIdentifier) },
      });
  }
}

function field(c: Cursor): Field {
  c.skipSpaces();
  const name = fieldName(c);
  const path = jsonPath(c);
  c.skipSpaces();
  return { name, jsonPath: path };
}

/** `alias:` (but not the start of a `::cast`). */
function alias(c: Cursor): string | undefined {
  return c.attempt(() => {
    const name = fieldName(c);
    c.expect(":");
    if (c.lookingAt(":")) c.fail("alias");
    return name;
  });
}

function castName(c: Cursor): string | undefined {
  if (!c.accept("::")) return undefined;
  return identifier(c);
}

function selectItemEnd(c: Cursor): void {
  if (!(c.eof() || c.lookingAt(")") || c.lookingAt(","))) c.fail('")"', '","', "end of input");
}

function embedParams(c: Cursor): { hint?: string; joinType?: JoinType } {
  const result: { hint?: string; joinType?: JoinType } = {};
  const word = (w: string) =>
    c.attempt(() => {
      c.expect(w);
      if (identifierChar(c.peek() ?? ".")) c.fail(w);
      return true;
    }) ?? false;
  for (let i = 0; i < 2 && c.accept("!"); i++) {
    if (word("left")) result.joinType ??= "left";
    else if (word("inner")) result.joinType ??= "inner";
    else result.hint ??= fieldName(c);
  }
  return result;
}

const aggregates: AggregateFunction[] = ["sum", "avg", "count", "max", "min"];

function selectField(c: Cursor): SelectItem {
  c.skipSpaces();
  const star = c.attempt(() => {
    c.expect("*");
    c.skipSpaces();
    selectItemEnd(c);
    return true;
  });
  if (star) return { kind: "field", field: { name: "*", jsonPath: [] } };
  const count = c.attempt(() => {
    const name = alias(c);
    c.expect("count()");
    const aggregateCast = castName(c);
    c.skipSpaces();
    selectItemEnd(c);
    return {
      kind: "count" as const,
      ...(name !== undefined && { alias: name }),
      ...(aggregateCast !== undefined && { aggregateCast }),
    };
  });
  if (count) return count;
  const name = alias(c);
  const f = field(c);
  const cast = castName(c);
  const aggregate = c.attempt(() => {
    c.expect(".");
    const fn = aggregates.find((a) => c.lookingAt(`${a}()`));
    if (!fn) c.fail("aggregate function");
    c.pos += fn.length + 2;
    return fn;
  });
  const aggregateCast = castName(c);
  c.skipSpaces();
  selectItemEnd(c);
  return {
    kind: "field",
    field: f,
    ...(name !== undefined && { alias: name }),
    ...(cast !== undefined && { cast }),
    ...(aggregate !== undefined && { aggregate }),
    ...(aggregateCast !== undefined && { aggregateCast }),
  };
}

function relationSelect(
  c: Cursor,
  spread: boolean,
): Omit<Extract<SelectItem, { kind: "relation" }>, "children"> {
  c.skipSpaces();
  const name0 = spread ? (c.expect("..."), undefined) : alias(c);
  const name = fieldName(c);
  if (name === "count" && !spread) c.fail("relation");
  const params = embedParams(c);
  if (!c.lookingAt("(")) c.fail('"("');
  return {
    kind: "relation",
    name,
    spread,
    ...(name0 !== undefined && { alias: name0 }),
    ...params,
  };
}

function selectForest(c: Cursor): SelectItem[] {
  const items: SelectItem[] = [];
  for (;;) {
    const relation =
      c.attempt(() => relationSelect(c, true)) ?? c.attempt(() => relationSelect(c, false));
    if (relation) {
      c.expect("(");
      // `users()`: an embed with no fields, there only to filter its parent.
      const children = c.lookingAt(")") ? [] : selectForest(c);
      c.expect(")", '")"');
      c.skipSpaces();
      items.push({ ...relation, children });
    } else {
      items.push(selectField(c));
    }
    c.skipSpaces();
    if (!c.accept(",")) return items;
    c.skipSpaces();
  }
}

export const parseSelect = memoized((text: string): SelectItem[] =>
  parseAll(text, `failed to parse select parameter (${text})`, (c) =>
    c.eof() ? [] : selectForest(c),
  ),
);

const quantOperators: QuantOperator[] = [
  "eq",
  "gte",
  "gt",
  "lte",
  "lt",
  "like",
  "ilike",
  "match",
  "imatch",
];
const simpleOperators: SimpleOperator[] = [
  "neq",
  "cs",
  "cd",
  "ov",
  "sl",
  "sr",
  "nxr",
  "nxl",
  "adj",
];
const ftsOperators: FtsOperator[] = ["fts", "plfts", "phfts", "wfts"];
const isValues: IsValue[] = ["null", "not_null", "true", "false", "unknown"];

/** `(a,"b,c",d)` for `in`. */
function listValue(c: Cursor): string[] {
  c.skipSpaces();
  c.expect("(");
  c.skipSpaces();
  const values: string[] = [];
  do {
    const q = c.attempt(() => {
      const v = quoted(c);
      if (!(c.lookingAt(",") || c.lookingAt(")"))) c.fail('","');
      return v;
    });
    values.push(q ?? c.takeWhile((ch) => ch !== "," && ch !== ")"));
  } while (c.accept(","));
  c.skipSpaces();
  c.expect(")", '")"');
  c.skipSpaces();
  return values;
}

/** The operator word at the cursor: letters and underscores up to `.` or `(`. */
function operatorWord(c: Cursor): string {
  return c.takeWhile((ch) => /[a-z_]/.test(ch));
}

function operation(c: Cursor, singleValue: (c: Cursor) => string): Operation {
  const start = c.pos;
  const word = operatorWord(c);
  if (word === "in") {
    c.expect(".", "delimiter (.)");
    return { kind: "in", values: listValue(c) };
  }
  if (word === "is") {
    c.expect(".", "delimiter (.)");
    const raw = c.takeWhile((ch) => /[a-zA-Z_]/.test(ch)).toLowerCase();
    const value = isValues.find((v) => v === raw);
    if (!value) {
      c.pos = start + 3;
      c.fail("isVal: (null, not_null, true, false, unknown)");
    }
    return { kind: "is", value };
  }
  if (word === "isdistinct") {
    c.expect(".", "delimiter (.)");
    return { kind: "isdistinct", value: singleValue(c) };
  }
  const fts = ftsOperators.find((op) => op === word);
  if (fts) {
    let language: string | undefined;
    if (c.accept("(")) {
      language = identifier(c);
      c.expect(")");
    }
    c.expect(".", "delimiter (.)");
    return {
      kind: "fts",
      operator: fts,
      value: singleValue(c),
      ...(language !== undefined && { language }),
    };
  }
  const simple = simpleOperators.find((op) => op === word);
  if (simple) {
    c.expect(".", "delimiter (.)");
    return { kind: "simple", operator: simple, value: singleValue(c) };
  }
  const quant = quantOperators.find((op) => op === word);
  if (quant) {
    let quantifier: "any" | "all" | undefined;
    if (c.accept("(any)")) quantifier = "any";
    else if (c.accept("(all)")) quantifier = "all";
    c.expect(".", "delimiter (.)");
    return {
      kind: "quant",
      operator: quant,
      value: singleValue(c),
      ...(quantifier && { quantifier }),
    };
  }
  c.pos = start;
  return c.fail("operator (eq, gt, ...)");
}

function opExpression(
  c: Cursor,
  singleValue: (c: Cursor) => string,
): { negated: boolean; operation: Operation } {
  const negated =
    c.attempt(() => {
      c.expect("not");
      c.expect(".");
      return true;
    }) ?? false;
  return { negated, operation: operation(c, singleValue) };
}

const restOfInput = (c: Cursor) => {
  const value = c.rest;
  c.pos = c.text.length;
  return value;
};

/** A filter value: `eq.5`, `not.in.(1,2)`, `fts(english).cat`… */
export const parseFilterValue = memoized(
  (text: string): { negated: boolean; operation: Operation } =>
    parseAll(text, `failed to parse filter (${text})`, (c) => opExpression(c, restOfInput)),
);

/** `a.b.c` and an optional JSON path: the embed path and the field. */
export const parseTreePath = memoized((text: string): { path: EmbedPath; field: Field } =>
  parseAll(text, `failed to parse tree path (${text})`, (c) => {
    const names = [fieldName(c)];
    while (c.accept(".")) names.push(fieldName(c));
    const path = jsonPath(c);
    return { path: names.slice(0, -1), field: { name: names.at(-1)!, jsonPath: path } };
  }),
);

/** `embed.child` before `.order`, `.limit`, `.offset`: the names of the embeds, empty for the root. */
export const parseEmbedPath = memoized((text: string): EmbedPath => {
  if (text === "") return [];
  return parseAll(text, `failed to parse tree path (${text})`, (c) => {
    const names = [fieldName(c)];
    while (c.accept(".")) names.push(fieldName(c));
    return names;
  });
});

/** In a logic tree a value stops at `,` or `)` unless quoted or a `{…}` array literal. */
function logicSingleValue(c: Cursor): string {
  const q = c.attempt(() => {
    const v = quoted(c);
    if (!(c.eof() || c.lookingAt(",") || c.lookingAt(")"))) c.fail('","');
    return v;
  });
  if (q !== undefined) return q;
  const array = c.attempt(() => {
    c.expect("{");
    const inner = c.takeWhile((ch) => ch !== "{" && ch !== "}");
    c.expect("}");
    return `{${inner}}`;
  });
  if (array !== undefined) return array;
  return c.takeWhile((ch) => ch !== "," && ch !== ")");
}

function logicTree(c: Cursor): LogicTree {
  const filter = c.attempt((): Filter => {
    const f = field(c);
    c.expect(".", "delimiter (.)");
    return { field: f, ...opExpression(c, logicSingleValue) };
  });
  if (filter) return { kind: "filter", filter };
  const negated =
    c.attempt(() => {
      c.expect("not");
      c.expect(".");
      return true;
    }) ?? false;
  let operator: "and" | "or";
  if (c.accept("and")) operator = "and";
  else if (c.accept("or")) operator = "or";
  else return c.fail("logic operator (and, or)");
  c.skipSpaces();
  c.expect("(");
  c.skipSpaces();
  const children = [logicTree(c)];
  for (;;) {
    c.skipSpaces();
    if (!c.accept(",")) break;
    c.skipSpaces();
    children.push(logicTree(c));
  }
  c.skipSpaces();
  c.expect(")", '")"');
  c.skipSpaces();
  return { kind: "expr", negated, operator, children };
}

/** `or=(…)`, `not.and=(…)`, `embed.or=(…)`: the key gives path and operator, the value the operands. */
export function parseLogic(key: string, value: string): { path: EmbedPath; tree: LogicTree } {
  const names = parseAll(key, `failed to parse logic path (${key})`, (c) => {
    const parts = [fieldName(c)];
    while (c.accept(".")) parts.push(fieldName(c));
    return parts;
  });
  const op = names.at(-1)!;
  const negated = names.slice(0, -1).includes("not");
  const text = `${negated ? "not." : ""}${op}${value}`;
  const tree = parseAll(text, `failed to parse logic tree (${value})`, logicTree);
  return { path: names.slice(0, -1).filter((n) => n !== "not"), tree };
}

function orderTerm(c: Cursor): OrderTerm {
  c.skipSpaces();
  const relationTerm = c.attempt(() => {
    const relation = fieldName(c);
    c.expect("(");
    const f = field(c);
    c.expect(")");
    return { relation, field: f };
  });
  const base = relationTerm ?? { field: field(c) };
  const term: OrderTerm = { ...base };
  const direction = c.attempt(() => {
    c.expect(".");
    if (c.accept("asc")) return "asc" as const;
    if (c.accept("desc")) return "desc" as const;
    return c.fail('"asc"', '"desc"');
  });
  if (direction) term.direction = direction;
  const nulls = c.attempt(() => {
    c.expect(".");
    if (c.accept("nullsfirst")) return "first" as const;
    if (c.accept("nullslast")) return "last" as const;
    return c.fail('"nullsfirst"', '"nullslast"');
  });
  if (nulls) term.nulls = nulls;
  c.skipSpaces();
  if (!(c.eof() || c.lookingAt(","))) c.fail('","', "end of input");
  return term;
}

export const parseOrder = memoized((text: string): OrderTerm[] =>
  parseAll(text, `failed to parse order (${text})`, (c) => {
    const terms = [orderTerm(c)];
    while (c.accept(",")) terms.push(orderTerm(c));
    return terms;
  }),
);

/** `columns=` and `on_conflict=`: field names separated by commas. */
export function parseColumnList(text: string, parameter: "columns" | "on_conflict"): string[] {
  return parseAll(text, `failed to parse ${parameter} parameter (${text})`, (c) => {
    const names: string[] = [];
    do {
      c.skipSpaces();
      names.push(fieldName(c));
      c.skipSpaces();
    } while (c.accept(","));
    return names;
  });
}
