/** A request resolved against the schema cache: what the SQL builder turns into one statement. */
import type { AggregateFunction, JoinType, JsonStep, Operation, RowRange } from "../parse/types.ts";
import type { Column, QualifiedName, Relationship, Routine } from "../schema-cache/types.ts";

/** A column of the node's relation, or a computed field (a function of its row). */
export type FieldRef =
  | { kind: "column"; name: string; type: string }
  | { kind: "computed"; name: string; type: string; function: QualifiedName };

export interface PlannedField {
  ref: FieldRef;
  jsonPath: JsonStep[];
}

export type OutputItem =
  | {
      kind: "field";
      field: PlannedField;
      outputName: string;
      cast?: string;
      aggregate?: AggregateFunction;
      aggregateCast?: string;
    }
  | { kind: "count"; outputName: string; aggregateCast?: string }
  | { kind: "embed"; child: ReadNode };

export type Condition =
  | { kind: "filter"; field: PlannedField; negated: boolean; operation: Operation }
  /** `embed=is.null` / `embed=not.is.null`: whether the embedded resource is there. */
  | { kind: "embed-null"; child: ReadNode; isNull: boolean }
  | { kind: "expr"; negated: boolean; operator: "and" | "or"; children: Condition[] };

export type PlannedOrder =
  | { kind: "field"; field: PlannedField; direction?: "asc" | "desc"; nulls?: "first" | "last" }
  /** Order by a column of an embedded to-one resource. */
  | {
      kind: "related";
      child: ReadNode;
      field: PlannedField;
      direction?: "asc" | "desc";
      nulls?: "first" | "last";
    };

export interface ReadNode {
  /** The relation read, named in errors; for a mutation or RPC root the rows come from its CTE. */
  relation: QualifiedName;
  fromSource: boolean;
  columns: Map<string, Column>;
  /** SQL alias of the relation in this node's query ("t0", "t1"…). */
  alias: string;
  /** Alias of the lateral join that embeds this node in its parent ("e1"…). */
  joinAlias: string;
  name: string;
  outputName: string;
  items: OutputItem[];
  where: Condition[];
  order: PlannedOrder[];
  range: RowRange;
  relationship?: Relationship;
  joinType: JoinType;
  spread: boolean;
  children: ReadNode[];
}

export interface InsertPlan {
  kind: "insert";
  table: QualifiedName;
  columns: Column[];
  /** The rows as a JSON array, bound as one parameter: only the planned columns are read of them. */
  body: string;
  applyDefaults: boolean;
  onConflict?: { columns: string[]; resolution: "merge-duplicates" | "ignore-duplicates" };
}

export interface UpdatePlan {
  kind: "update";
  table: QualifiedName;
  /** Columns set from the body, and those set to their default (`missing=default` with `columns=`). */
  columns: Column[];
  defaults: Column[];
  /** The row as a JSON object, bound as one parameter. */
  body: string;
  where: Condition[];
}

export interface DeletePlan {
  kind: "delete";
  table: QualifiedName;
  where: Condition[];
}

export type MutationPlan = (InsertPlan | UpdatePlan | DeletePlan) & {
  /** Columns RETURNING must give: what the representation and the Location header read. Empty: `RETURNING 1`. */
  returning: string[] | "*";
};

export type CallArguments =
  | { kind: "none" }
  /** Named arguments from a JSON object body, converted by json_to_record with the parameters' types. */
  | { kind: "json-object"; body: string; params: Routine["params"] }
  /** Named arguments as text, from the query string or a form body. */
  | { kind: "text"; values: [Routine["params"][number], string | string[]][] }
  /** The whole body to a single unnamed json/jsonb/text parameter. */
  | { kind: "single"; body: string; type: string };

export interface CallPlan {
  routine: Routine;
  args: CallArguments;
}

/** How the rows of `_t` become the body. */
export type BodyShape =
  | { kind: "array"; stripNulls: boolean }
  | { kind: "object"; stripNulls: boolean }
  | { kind: "csv" }
  | { kind: "geojson" }
  /** A function's scalar result: the value itself, or an array of values for a set. */
  | { kind: "scalar"; set: boolean }
  | { kind: "none" };
