/** The typed form of a request's query string, as PostgREST's ApiRequest.Types has it. */

export type JsonOperand = { kind: "key"; key: string } | { kind: "index"; index: string };
export interface JsonStep {
  arrow: "->" | "->>";
  operand: JsonOperand;
}

/** A column, `*`, or a column followed by a JSON path such as `data->a->>b`. */
export interface Field {
  name: string;
  jsonPath: JsonStep[];
}

export type AggregateFunction = "sum" | "avg" | "count" | "max" | "min";
export type JoinType = "inner" | "left";

export type SelectItem =
  | {
      kind: "field";
      field: Field;
      alias?: string;
      cast?: string;
      aggregate?: AggregateFunction;
      aggregateCast?: string;
    }
  /** `count()` with no column: count of rows. */
  | { kind: "count"; alias?: string; aggregateCast?: string }
  | {
      kind: "relation";
      name: string;
      alias?: string;
      hint?: string;
      joinType?: JoinType;
      spread: boolean;
      children: SelectItem[];
    };

export type QuantOperator =
  "eq" | "gte" | "gt" | "lte" | "lt" | "like" | "ilike" | "match" | "imatch";
export type SimpleOperator = "neq" | "cs" | "cd" | "ov" | "sl" | "sr" | "nxr" | "nxl" | "adj";
export type FtsOperator = "fts" | "plfts" | "phfts" | "wfts";
export type IsValue = "null" | "not_null" | "true" | "false" | "unknown";

export type Operation =
  | { kind: "quant"; operator: QuantOperator; quantifier?: "any" | "all"; value: string }
  | { kind: "simple"; operator: SimpleOperator; value: string }
  | { kind: "in"; values: string[] }
  | { kind: "is"; value: IsValue }
  | { kind: "isdistinct"; value: string }
  | { kind: "fts"; operator: FtsOperator; language?: string; value: string };

export interface Filter {
  field: Field;
  negated: boolean;
  operation: Operation;
}

export type LogicTree =
  | { kind: "filter"; filter: Filter }
  | { kind: "expr"; negated: boolean; operator: "and" | "or"; children: LogicTree[] };

export interface OrderTerm {
  /** Set for `relation(column)`: ordering by a column of an embedded to-one resource. */
  relation?: string;
  field: Field;
  direction?: "asc" | "desc";
  nulls?: "first" | "last";
}

/** Path of embedded resource names (aliases) from the root, empty for the root itself. */
export type EmbedPath = string[];

export interface RowRange {
  offset: number;
  /** Undefined: no limit. */
  limit?: number;
}

export interface QueryParams {
  /** Sorted `k=v` pairs, as PostgREST puts in Content-Location. */
  canonical: string;
  select: SelectItem[];
  filters: { path: EmbedPath; filter: Filter }[];
  /** GET /rpc/fn?name=value: parameters with no operator are arguments. */
  rpcArguments: [string, string][];
  logic: { path: EmbedPath; tree: LogicTree }[];
  order: { path: EmbedPath; terms: OrderTerm[] }[];
  /** `limit`/`offset` by embed path (empty for the root). */
  ranges: { path: EmbedPath; range: RowRange }[];
  columns?: string[];
  onConflict?: string[];
  /** Names of every filtered column at the root, for PUT's primary-key check. */
  rootFilterFields: Set<string>;
}
