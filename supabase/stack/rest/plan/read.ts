/**
 * Resolves the select tree, filters, logic trees, orders and ranges of a request against the
 * schema cache into a ReadNode tree (PostgREST's readPlan): every column checked, every embed's
 * relationship chosen, every dotted path pointing at an embed that exists.
 */
import {
  aggregatesNotAllowed,
  duplicateEmbedAlias,
  notEmbedded,
  notImplemented,
  relatedOrderNotToOne,
  undefinedColumn,
  undefinedType,
} from "../errors.ts";
import type {
  EmbedPath,
  Field,
  Filter,
  LogicTree,
  QueryParams,
  RowRange,
  SelectItem,
} from "../parse/types.ts";
import { restrictRange } from "../parse/range.ts";
import {
  qiKey,
  type Column,
  type QualifiedName,
  type Relationship,
  type SchemaCache,
} from "../schema-cache/types.ts";
import { findRelationship, isToOne } from "./relationships.ts";
import type {
  Condition,
  FieldRef,
  OutputItem,
  PlannedField,
  PlannedOrder,
  ReadNode,
} from "./types.ts";

export interface ReadSource {
  /** The relation named in errors and whose relationships embeds follow. */
  relation: QualifiedName;
  columns: Map<string, Column>;
  /** Rows come from the request's CTE (mutation RETURNING, function call) rather than the table. */
  fromSource: boolean;
}

export interface ReadOptions {
  /** Root filters and logic apply to the read (false for mutations, where they are the WHERE of the change). */
  rootFilters: boolean;
  /** Ranges apply (false for mutations). */
  ranges: boolean;
  topLevelRange: RowRange;
  maxRows: number | undefined;
  aggregatesEnabled: boolean;
}

class Resolver {
  private aliasCount = 0;
  constructor(
    private readonly cache: SchemaCache,
    private readonly schema: string,
  ) {}

  nextAlias(): number {
    return this.aliasCount++;
  }

  field(node: ReadNode, field: Field): PlannedField {
    const column = node.columns.get(field.name);
    let ref: FieldRef | undefined;
    if (column) ref = { kind: "column", name: column.name, type: column.type };
    else {
      const computed = this.cache.computedFields
        .get(qiKey(node.relation.schema, node.relation.name))
        ?.get(field.name);
      if (computed && !computed.returnsSet)
        ref = {
          kind: "computed",
          name: field.name,
          type: computed.returnType,
          function: computed.function,
        };
    }
    if (!ref) throw undefinedColumn(node.relation.name, field.name);
    return { ref, jsonPath: field.jsonPath };
  }

  cast(name: string | undefined): string | undefined {
    if (name === undefined) return undefined;
    const normal = name.trim().replace(/\s+/g, " ").toLowerCase();
    if (!this.cache.typeNames.has(normal)) throw undefinedType(name);
    return normal;
  }

  /** The output key PostgREST gives a field: its alias, else the last JSON key, else the column. */
  outputName(field: Field, alias: string | undefined): string {
    if (alias !== undefined) return alias;
    const keys = field.jsonPath.filter((s) => s.operand.kind === "key");
    const last = field.jsonPath.at(-1);
    if (last?.operand.kind === "key") return last.operand.key;
    if (last?.operand.kind === "index") {
      const key = keys.at(-1);
      return key?.operand.kind === "key" ? key.operand.key : field.name;
    }
    return field.name;
  }

  node(
    source: ReadSource,
    items: SelectItem[],
    embed?: { item: Extract<SelectItem, { kind: "relation" }>; relationship: Relationship },
    depth = 0,
  ): ReadNode {
    const n = this.nextAlias();
    const node: ReadNode = {
      relation: source.relation,
      fromSource: source.fromSource,
      columns: source.columns,
      alias: `t${n}`,
      joinAlias: `e${n}`,
      name: embed?.item.name ?? source.relation.name,
      outputName: embed?.item.alias ?? embed?.item.name ?? source.relation.name,
      items: [],
      where: [],
      order: [],
      range: { offset: 0 },
      joinType: embed?.item.joinType ?? "left",
      spread: embed?.item.spread ?? false,
      children: [],
      ...(embed && { relationship: embed.relationship }),
    };
    const embedNames = new Set<string>();
    for (const item of items) {
      if (item.kind === "relation") {
        const embedName = item.alias ?? item.name;
        if (embedNames.has(embedName))
          throw duplicateEmbedAlias(`${node.relation.name}_${embedName}_${depth + 1}`);
        embedNames.add(embedName);
        const rel = findRelationship(
          this.cache,
          this.schema,
          node.relation.name,
          item.name,
          item.hint,
        );
        const table = this.cache.tables.get(qiKey(rel.foreignTable.schema, rel.foreignTable.name))!;
        const child = this.node(
          {
            relation: { schema: table.schema, name: table.name },
            columns: table.columns,
            fromSource: false,
          },
          item.children,
          {
            item,
            relationship: rel,
          },
          depth + 1,
        );
        node.children.push(child);
        node.items.push({ kind: "embed", child });
      } else if (item.kind === "count" || this.isLegacyCount(node, item)) {
        node.items.push({
          kind: "count",
          outputName: item.alias ?? "count",
          ...(item.aggregateCast !== undefined && {
            aggregateCast: this.cast(item.aggregateCast)!,
          }),
        });
      } else if (item.field.name === "*" && item.field.jsonPath.length === 0) {
        for (const column of [...node.columns.values()].sort((a, b) => a.position - b.position)) {
          node.items.push({
            kind: "field",
            field: { ref: { kind: "column", name: column.name, type: column.type }, jsonPath: [] },
            outputName: column.name,
          });
        }
      } else {
        const planned: OutputItem = {
          kind: "field",
          field: this.field(node, item.field),
          outputName:
            item.aggregate && item.alias === undefined
              ? item.aggregate
              : this.outputName(item.field, item.alias),
        };
        if (item.cast !== undefined) planned.cast = this.cast(item.cast)!;
        if (item.aggregate !== undefined) planned.aggregate = item.aggregate;
        if (item.aggregateCast !== undefined)
          planned.aggregateCast = this.cast(item.aggregateCast)!;
        node.items.push(planned);
      }
    }
    return node;
  }

  /** `select=count` (before aggregates, PostgREST's way to count), unless the relation has a `count` column. */
  isLegacyCount(node: ReadNode, item: Extract<SelectItem, { kind: "field" }>): boolean {
    return (
      item.field.name === "count" &&
      item.field.jsonPath.length === 0 &&
      item.cast === undefined &&
      item.aggregate === undefined &&
      !node.columns.has("count") &&
      !this.cache.computedFields.get(qiKey(node.relation.schema, node.relation.name))?.has("count")
    );
  }

  filter(node: ReadNode, filter: Filter): Condition {
    const child =
      filter.field.jsonPath.length === 0
        ? node.children.find((c) => c.outputName === filter.field.name)
        : undefined;
    if (
      child &&
      !node.columns.has(filter.field.name) &&
      filter.operation.kind === "is" &&
      (filter.operation.value === "null" || filter.operation.value === "not_null")
    ) {
      const isNull = (filter.operation.value === "null") !== filter.negated;
      return { kind: "embed-null", child, isNull };
    }
    return {
      kind: "filter",
      field: this.field(node, filter.field),
      negated: filter.negated,
      operation: filter.operation,
    };
  }

  logic(node: ReadNode, tree: LogicTree): Condition {
    if (tree.kind === "filter") return this.filter(node, tree.filter);
    return {
      kind: "expr",
      negated: tree.negated,
      operator: tree.operator,
      children: tree.children.map((t) => this.logic(node, t)),
    };
  }
}

/** The node at `path` below `root`, by output name (alias or relation name). */
export function nodeAt(root: ReadNode, path: EmbedPath): ReadNode {
  let node = root;
  for (const name of path) {
    const child = node.children.find((c) => c.outputName === name);
    if (!child) throw notEmbedded(name);
    node = child;
  }
  return node;
}

function allNodes(root: ReadNode): ReadNode[] {
  return [root, ...root.children.flatMap(allNodes)];
}

export function planRead(
  cache: SchemaCache,
  schema: string,
  source: ReadSource,
  params: QueryParams,
  options: ReadOptions,
): ReadNode {
  const resolver = new Resolver(cache, schema);
  const root = resolver.node(source, params.select);

  for (const { path, filter } of params.filters) {
    if (path.length === 0 && !options.rootFilters) continue;
    const node = nodeAt(root, path);
    node.where.push(resolver.filter(node, filter));
  }
  for (const { path, tree } of params.logic) {
    if (path.length === 0 && !options.rootFilters) continue;
    const node = nodeAt(root, path);
    node.where.push(resolver.logic(node, tree));
  }
  for (const { path, terms } of params.order) {
    const node = nodeAt(root, path);
    node.order = terms.map((term): PlannedOrder => {
      const base = {
        ...(term.direction && { direction: term.direction }),
        ...(term.nulls && { nulls: term.nulls }),
      };
      if (term.relation === undefined)
        return { kind: "field", field: resolver.field(node, term.field), ...base };
      const child = node.children.find((c) => c.outputName === term.relation);
      if (!child) throw notEmbedded(term.relation);
      if (!isToOne(child.relationship!))
        throw relatedOrderNotToOne(node.relation.name, term.relation);
      return { kind: "related", child, field: resolver.field(child, term.field), ...base };
    });
  }
  if (options.ranges) {
    for (const { path, range } of params.ranges) {
      if (path.length > 0) nodeAt(root, path).range = range;
    }
    root.range = options.topLevelRange;
    for (const node of allNodes(root)) {
      // limit=0 stays an empty result rather than being widened to max-rows.
      if (node.range.limit !== 0) node.range = restrictRange(node.range, options.maxRows);
    }
  }
  if (
    !options.aggregatesEnabled &&
    allNodes(root).some((n) =>
      n.items.some((i) => (i.kind === "field" && i.aggregate) || i.kind === "count"),
    )
  ) {
    throw aggregatesNotAllowed();
  }
  if (
    allNodes(root).some(
      (n) =>
        n.spread &&
        !isToOne(n.relationship!) &&
        n.items.some((i) => (i.kind === "field" && i.aggregate) || i.kind === "count"),
    )
  )
    throw notImplemented("Aggregates are not implemented for one-to-many or many-to-many spreads.");
  return root;
}

/** The root's filters and logic trees alone: the WHERE of an UPDATE or DELETE. */
export function planRootConditions(
  cache: SchemaCache,
  schema: string,
  source: ReadSource,
  params: QueryParams,
): Condition[] {
  const resolver = new Resolver(cache, schema);
  const node = resolver.node(source, []);
  return [
    ...params.filters
      .filter((f) => f.path.length === 0)
      .map((f) => resolver.filter(node, f.filter)),
    ...params.logic.filter((l) => l.path.length === 0).map((l) => resolver.logic(node, l.tree)),
  ];
}

/**
 * Columns a write must return for its representation: those selected, those embeds join on, those
 * ordered by; every column when a computed field needs the whole row.
 */
export function neededColumns(root: ReadNode): string[] | "*" {
  const names = new Set<string>();
  let wholeRow = false;
  const add = (field: PlannedField) => {
    if (field.ref.kind === "computed") wholeRow = true;
    else names.add(field.ref.name);
  };
  for (const item of root.items) if (item.kind === "field") add(item.field);
  for (const term of root.order) if (term.kind === "field") add(term.field);
  for (const child of root.children) {
    const rel = child.relationship!;
    if (rel.function) wholeRow = true;
    else if (rel.cardinality === "many-to-many")
      rel.junction!.sourceColumns.forEach(([, column]) => names.add(column));
    else rel.columns.forEach(([column]) => names.add(column));
    for (const term of root.order)
      if (term.kind === "related" && term.child === child)
        rel.columns.forEach(([column]) => names.add(column));
  }
  return wholeRow ? "*" : [...names];
}
