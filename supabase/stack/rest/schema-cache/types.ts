/** What the REST service knows of the database: PostgREST's SchemaCache. */

export interface Column {
  name: string;
  /** format_type of the column, e.g. `character varying(20)`, `integer[]`. */
  type: string;
  /** For a domain, the base type's name; otherwise `type` without its modifier. */
  baseType: string;
  nullable: boolean;
  /** The default expression as SQL, when there is one (also for identity and domain defaults). */
  default?: string;
  maxLength?: number;
  enumValues: string[];
  description?: string;
  position: number;
}

export interface Table {
  schema: string;
  name: string;
  isView: boolean;
  insertable: boolean;
  updatable: boolean;
  deletable: boolean;
  /** Primary key columns; for a view, those it exposes from a base table's key. */
  primaryKey: string[];
  columns: Map<string, Column>;
  description?: string;
}

export interface QualifiedName {
  schema: string;
  name: string;
}

export interface Junction {
  table: QualifiedName;
  /** Constraint from the junction to `Relationship.table`, and its columns (junction column, table column). */
  sourceConstraint: string;
  sourceColumns: [string, string][];
  targetConstraint: string;
  targetColumns: [string, string][];
}

export type Cardinality = "many-to-one" | "one-to-many" | "one-to-one" | "many-to-many";

/** A way to embed `foreignTable` in `table`. */
export interface Relationship {
  table: QualifiedName;
  foreignTable: QualifiedName;
  isSelf: boolean;
  cardinality: Cardinality;
  /** The foreign key's name (for many-to-many, unused: see `junction`). */
  constraint: string;
  /** Pairs (column of `table`, column of `foreignTable`). */
  columns: [string, string][];
  junction?: Junction;
  tableIsView: boolean;
  foreignTableIsView: boolean;
  /**
   * A computed relationship: `function(table) returns [setof] foreign_table`, embedded by the
   * function's name; to-one (many-to-one) when it returns one row or is declared `rows 1`.
   */
  function?: QualifiedName;
}

export interface RoutineParam {
  name: string;
  type: string;
  required: boolean;
  variadic: boolean;
}

export interface Routine {
  schema: string;
  name: string;
  description?: string;
  params: RoutineParam[];
  /** setof / table functions return many rows. */
  returnsSet: boolean;
  /** The named composite (table, view or type) a function returns, which lets results embed like that table. */
  returnsComposite?: QualifiedName;
  /** Returns a scalar (not a row type, not OUT/TABLE columns). */
  returnsScalar: boolean;
  returnsVoid: boolean;
  returnType: string;
  /** Output columns for composite and TABLE/OUT results, in order. */
  resultColumns: Column[];
  volatility: "immutable" | "stable" | "volatile";
  hasVariadic: boolean;
}

/** `fn(t)` on a table's row type: usable as a column of the table, as PostgREST's computed fields. */
export interface ComputedField {
  function: QualifiedName;
  returnType: string;
  returnsSet: boolean;
}

export interface SchemaCache {
  tables: Map<string, Table>;
  /** Relationships by the key of their `table`. */
  relationships: Map<string, Relationship[]>;
  routines: Map<string, Routine[]>;
  /** Computed fields by table key, then by name. */
  computedFields: Map<string, Map<string, ComputedField>>;
  /** Every type name a `::cast` may use, lower case. */
  typeNames: Set<string>;
}

export function qiKey(schema: string, name: string): string {
  return `${schema}\u0000${name}`;
}
