// PostgREST's query-string grammar (supabase/stack/rest/parse/grammar.ts) on its own, without a
// stack: each row is a parameter value and either the parse tree it gives or the PGRST100 error
// PostgREST answers, with the position (column) of the failure and what was expected there.

import { describe, expect, it } from "vitest";
import { RestError } from "../../supabase/stack/rest/errors.ts";
import {
  parseColumnList,
  parseEmbedPath,
  parseFilterValue,
  parseLogic,
  parseOrder,
  parseSelect,
  parseTreePath,
} from "../../supabase/stack/rest/parse/grammar.ts";
import type { Field, JsonStep } from "../../supabase/stack/rest/parse/types.ts";

/** A PGRST100 as PostgREST words it: the parameter and position in the message, the reason in details. */
interface Pgrst100 {
  message: string;
  details: string;
}

type Row = [input: string, expected: unknown];

const field = (name: string, jsonPath: JsonStep[] = []): Field => ({ name, jsonPath });
const column = (name: string, extra: object = {}) => ({
  kind: "field",
  field: field(name),
  ...extra,
});
const key = (arrow: JsonStep["arrow"], k: string): JsonStep => ({
  arrow,
  operand: { kind: "key", key: k },
});
const index = (arrow: JsonStep["arrow"], i: string): JsonStep => ({
  arrow,
  operand: { kind: "index", index: i },
});
const error = (message: string, details: string): Pgrst100 => ({ message, details });
const filter = (name: string, operation: object, negated = false) => ({
  kind: "filter",
  filter: { field: field(name), negated, operation },
});

/** What `parse(input)` gives: the tree, or the PGRST100 it throws (any other failure fails the test). */
function outcome(parse: () => unknown): unknown {
  try {
    return parse();
  } catch (thrown) {
    if (!(thrown instanceof RestError)) throw thrown;
    expect(thrown.status).toBe(400);
    expect(thrown.body).toMatchObject({ code: "PGRST100", hint: null });
    return error(thrown.body.message, thrown.body.details as string);
  }
}

function table(name: string, parse: (input: string) => unknown, rows: Row[]): void {
  describe(name, () => {
    it.each(rows)("%j", (input, expected) => {
      expect(outcome(() => parse(input))).toEqual(expected);
    });
  });
}

const fieldExpected = "field name (* or [a..z0..9_$])";

table("select", parseSelect, [
  ["", []],
  ["*", [column("*")]],
  [" id , name ", [column("id"), column("name")]],
  ["full_name:name", [column("name", { alias: "full_name" })]],
  ['"quoted, name"', [column("quoted, name")]],
  ["first-name", [column("first-name")]],
  ["data->a->>b", [{ kind: "field", field: field("data", [key("->", "a"), key("->>", "b")]) }]],
  [
    "data->0,data->-1",
    [
      { kind: "field", field: field("data", [index("->", "0")]) },
      { kind: "field", field: field("data", [index("->", "-1")]) },
    ],
  ],
  ["id::text", [column("id", { cast: "text" })]],
  ["price.sum()", [column("price", { aggregate: "sum" })]],
  [
    "total:price.sum()::int",
    [column("price", { alias: "total", aggregate: "sum", aggregateCast: "int" })],
  ],
  ["count()", [{ kind: "count" }]],
  ["n:count()::text", [{ kind: "count", alias: "n", aggregateCast: "text" }]],
  ["count", [column("count")]],
  [
    "author(name)",
    [{ kind: "relation", name: "author", spread: false, children: [column("name")] }],
  ],
  [
    "author:authors!author_id(name)",
    [
      {
        kind: "relation",
        name: "authors",
        alias: "author",
        hint: "author_id",
        spread: false,
        children: [column("name")],
      },
    ],
  ],
  [
    "authors!inner(*)",
    [
      {
        kind: "relation",
        name: "authors",
        joinType: "inner",
        spread: false,
        children: [column("*")],
      },
    ],
  ],
  [
    "authors!left(*)",
    [
      {
        kind: "relation",
        name: "authors",
        joinType: "left",
        spread: false,
        children: [column("*")],
      },
    ],
  ],
  [
    "...author(name)",
    [{ kind: "relation", name: "author", spread: true, children: [column("name")] }],
  ],
  [
    "message,users!inner()",
    [
      column("message"),
      { kind: "relation", name: "users", joinType: "inner", spread: false, children: [] },
    ],
  ],
  [
    "id,()",
    error(
      '"failed to parse select parameter (id,())" (line 1, column 4)',
      `unexpected "(" expecting "...", ${fieldExpected}, "*" or "count()"`,
    ),
  ],
  [
    "id,,name",
    error(
      '"failed to parse select parameter (id,,name)" (line 1, column 4)',
      `unexpected "," expecting "...", ${fieldExpected}, "*" or "count()"`,
    ),
  ],
  [
    "author(name",
    error(
      '"failed to parse select parameter (author(name)" (line 1, column 12)',
      'unexpected end of input expecting ":", "(", "." or ")"',
    ),
  ],
  [
    "data->",
    error(
      '"failed to parse select parameter (data->)" (line 1, column 7)',
      "unexpected end of input expecting digit or any non reserved character different from: .,>()",
    ),
  ],
  [
    "a:b:c",
    error(
      '"failed to parse select parameter (a:b:c)" (line 1, column 4)',
      'unexpected ":" expecting "(", ".", ")", "," or end of input',
    ),
  ],
  [
    "id::",
    error(
      '"failed to parse select parameter (id::)" (line 1, column 5)',
      `unexpected end of input expecting ${fieldExpected}`,
    ),
  ],
  [
    "price.median()",
    error(
      '"failed to parse select parameter (price.median())" (line 1, column 7)',
      'unexpected "m" expecting aggregate function',
    ),
  ],
]);

table("filter", parseFilterValue, [
  ["eq.5", { negated: false, operation: { kind: "quant", operator: "eq", value: "5" } }],
  ["not.eq.a.b", { negated: true, operation: { kind: "quant", operator: "eq", value: "a.b" } }],
  ["neq.", { negated: false, operation: { kind: "simple", operator: "neq", value: "" } }],
  ["cs.{1,2}", { negated: false, operation: { kind: "simple", operator: "cs", value: "{1,2}" } }],
  ['not.in.(1,"a,b",3)', { negated: true, operation: { kind: "in", values: ["1", "a,b", "3"] } }],
  ["is.null", { negated: false, operation: { kind: "is", value: "null" } }],
  ["is.NOT_NULL", { negated: false, operation: { kind: "is", value: "not_null" } }],
  ["isdistinct.x", { negated: false, operation: { kind: "isdistinct", value: "x" } }],
  [
    "fts(english).cat",
    {
      negated: false,
      operation: { kind: "fts", operator: "fts", language: "english", value: "cat" },
    },
  ],
  [
    "plfts.fat cats",
    { negated: false, operation: { kind: "fts", operator: "plfts", value: "fat cats" } },
  ],
  [
    "gte(any).{1,2}",
    {
      negated: false,
      operation: { kind: "quant", operator: "gte", quantifier: "any", value: "{1,2}" },
    },
  ],
  [
    "like(all).{a*,b*}",
    {
      negated: false,
      operation: { kind: "quant", operator: "like", quantifier: "all", value: "{a*,b*}" },
    },
  ],
  [
    "foo.1",
    error(
      '"failed to parse filter (foo.1)" (line 1, column 1)',
      'unexpected "f" expecting "not" or operator (eq, gt, ...)',
    ),
  ],
  [
    "eq",
    error(
      '"failed to parse filter (eq)" (line 1, column 3)',
      "unexpected end of input expecting delimiter (.)",
    ),
  ],
  [
    "is.nope",
    error(
      '"failed to parse filter (is.nope)" (line 1, column 4)',
      'unexpected "n" expecting isVal: (null, not_null, true, false, unknown)',
    ),
  ],
  [
    "in.(1,2",
    error(
      '"failed to parse filter (in.(1,2)" (line 1, column 8)',
      'unexpected end of input expecting ")"',
    ),
  ],
]);

table("order", parseOrder, [
  [
    "name.desc.nullslast,id",
    [{ field: field("name"), direction: "desc", nulls: "last" }, { field: field("id") }],
  ],
  ["author(name).asc", [{ relation: "author", field: field("name"), direction: "asc" }]],
  ["data->>x.desc", [{ field: field("data", [key("->>", "x")]), direction: "desc" }]],
  [
    "id.up",
    error(
      '"failed to parse order (id.up)" (line 1, column 4)',
      'unexpected "u" expecting "asc", "desc", "nullsfirst" or "nullslast"',
    ),
  ],
  [
    "id.asc.nullsmiddle",
    error(
      '"failed to parse order (id.asc.nullsmiddle)" (line 1, column 8)',
      'unexpected "n" expecting "nullsfirst" or "nullslast"',
    ),
  ],
  [
    "id,",
    error(
      '"failed to parse order (id,)" (line 1, column 4)',
      `unexpected end of input expecting ${fieldExpected}`,
    ),
  ],
]);

// The key (or=, not.and=, embed.or=) and the value of a logic tree parameter, as "key=value".
table(
  "logic",
  (input) => parseLogic(input.slice(0, input.indexOf("=")), input.slice(input.indexOf("=") + 1)),
  [
    [
      "or=(id.eq.1,and(name.eq.x,qty.not.gt.2))",
      {
        path: [],
        tree: {
          kind: "expr",
          negated: false,
          operator: "or",
          children: [
            filter("id", { kind: "quant", operator: "eq", value: "1" }),
            {
              kind: "expr",
              negated: false,
              operator: "and",
              children: [
                filter("name", { kind: "quant", operator: "eq", value: "x" }),
                filter("qty", { kind: "quant", operator: "gt", value: "2" }, true),
              ],
            },
          ],
        },
      },
    ],
    [
      'not.and=(a.is.null,b.eq."x,y")',
      {
        path: [],
        tree: {
          kind: "expr",
          negated: true,
          operator: "and",
          children: [
            filter("a", { kind: "is", value: "null" }),
            filter("b", { kind: "quant", operator: "eq", value: "x,y" }),
          ],
        },
      },
    ],
    [
      "or=(tags.cs.{a,b},id.in.(1,2))",
      {
        path: [],
        tree: {
          kind: "expr",
          negated: false,
          operator: "or",
          children: [
            filter("tags", { kind: "simple", operator: "cs", value: "{a,b}" }),
            filter("id", { kind: "in", values: ["1", "2"] }),
          ],
        },
      },
    ],
    [
      "author.or=(name.eq.x)",
      {
        path: ["author"],
        tree: {
          kind: "expr",
          negated: false,
          operator: "or",
          children: [filter("name", { kind: "quant", operator: "eq", value: "x" })],
        },
      },
    ],
    // Negation goes after the field inside a tree (qty.not.gt.2), as in PostgREST.
    [
      "or=(id.eq.1,not.qty.gt.2)",
      error(
        '"failed to parse logic tree ((id.eq.1,not.qty.gt.2))" (line 1, column 16)',
        'unexpected "q" expecting "not", operator (eq, gt, ...) or logic operator (and, or)',
      ),
    ],
    [
      "or=(id.eq.1",
      error(
        '"failed to parse logic tree ((id.eq.1)" (line 1, column 11)',
        'unexpected end of input expecting ")"',
      ),
    ],
    [
      "or=()",
      error(
        '"failed to parse logic tree (())" (line 1, column 4)',
        `unexpected ")" expecting ${fieldExpected}, "not" or logic operator (and, or)`,
      ),
    ],
    [
      "or=(id.xx.1)",
      error(
        '"failed to parse logic tree ((id.xx.1))" (line 1, column 7)',
        'unexpected "x" expecting "not" or operator (eq, gt, ...)',
      ),
    ],
  ],
);

table("columns", (input) => parseColumnList(input, "columns"), [
  ['id, name,"x y"', ["id", "name", "x y"]],
  [
    "id,,x",
    error(
      '"failed to parse columns parameter (id,,x)" (line 1, column 4)',
      `unexpected "," expecting ${fieldExpected}`,
    ),
  ],
  [
    "",
    error(
      '"failed to parse columns parameter ()" (line 1, column 1)',
      `unexpected end of input expecting ${fieldExpected}`,
    ),
  ],
]);

table("filter key (tree path)", parseTreePath, [
  ["author.books.title", { path: ["author", "books"], field: field("title") }],
  ["data->a", { path: [], field: field("data", [key("->", "a")]) }],
  [
    "a..b",
    error(
      '"failed to parse tree path (a..b)" (line 1, column 3)',
      `unexpected "." expecting ${fieldExpected}`,
    ),
  ],
]);

table("embed path (before .order, .limit, .offset)", parseEmbedPath, [
  ["", []],
  ["author.books", ["author", "books"]],
  [
    "a,b",
    error(
      '"failed to parse tree path (a,b)" (line 1, column 2)',
      'unexpected "," expecting end of input',
    ),
  ],
]);
