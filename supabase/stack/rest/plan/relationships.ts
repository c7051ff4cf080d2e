/** Choosing the relationship an embed means (PostgREST's findRel), and its errors. */
import { ambiguousRelBetween, noRelBetween, type RelationshipSummary } from "../errors.ts";
import { qiKey, type Relationship, type SchemaCache } from "../schema-cache/types.ts";
import { closest } from "./suggest.ts";

const single = (columns: [string, string][]) => (columns.length === 1 ? columns[0]! : undefined);

function matches(rel: Relationship, target: string, hint: string | undefined): boolean {
  // A computed relationship is found by its function's name alone, hint or not.
  if (rel.function) return target === rel.function.name;
  const pair = rel.cardinality === "many-to-many" ? undefined : single(rel.columns);
  const isConstraint = (name: string) =>
    rel.cardinality !== "many-to-many" && rel.constraint === name;
  if (rel.isSelf) {
    // Self references: `children:t(*)` is one-to-many; `parent(*)`, by the FK column, many-to-one.
    if (hint === undefined) {
      return (
        (target === rel.foreignTable.name && rel.cardinality === "one-to-many") ||
        (pair?.[0] === target && rel.cardinality === "many-to-one")
      );
    }
    return (
      target === rel.foreignTable.name && rel.cardinality === "one-to-many" && pair?.[1] === hint
    );
  }
  if (hint === undefined) {
    return (
      target === rel.foreignTable.name ||
      (isConstraint(target) && !rel.foreignTableIsView) ||
      (pair?.[0] === target && !rel.foreignTableIsView)
    );
  }
  return (
    target === rel.foreignTable.name &&
    (isConstraint(hint) ||
      pair?.[0] === hint ||
      pair?.[1] === hint ||
      (rel.cardinality === "many-to-many" && rel.junction!.table.name === hint))
  );
}

const list = (names: string[]) => `(${names.join(", ")})`;

function summary(rel: Relationship): RelationshipSummary {
  const embedding = `${rel.table.name} with ${rel.foreignTable.name}`;
  if (rel.cardinality === "many-to-many") {
    const j = rel.junction!;
    return {
      cardinality: "many-to-many",
      embedding,
      relationship: `${j.table.name} using ${j.sourceConstraint}${list(j.sourceColumns.map(([c]) => c))} and ${j.targetConstraint}${list(j.targetColumns.map(([c]) => c))}`,
    };
  }
  return {
    cardinality: rel.cardinality,
    embedding,
    relationship: `${rel.constraint} using ${rel.table.name}${list(rel.columns.map(([c]) => c))} and ${rel.foreignTable.name}${list(rel.columns.map(([, f]) => f))}`,
  };
}

const hintFor = (rel: Relationship) =>
  `'${rel.foreignTable.name}!${rel.cardinality === "many-to-many" ? rel.junction!.table.name : rel.constraint}'`;

export function findRelationship(
  cache: SchemaCache,
  schema: string,
  origin: string,
  target: string,
  hint: string | undefined,
): Relationship {
  const rels = cache.relationships.get(qiKey(schema, origin)) ?? [];
  const found = rels.filter(
    (rel) => rel.foreignTable.schema === schema && matches(rel, target, hint),
  );
  if (found.length === 1) return found[0]!;
  if (found.length > 1)
    throw ambiguousRelBetween(origin, target, found.map(summary), found.map(hintFor));
  let suggestion: string | null = null;
  if (rels.length > 0) {
    const child = closest(target, new Set(rels.map((r) => r.foreignTable.name)), 0.33);
    if (child !== undefined && child !== target)
      suggestion = `Perhaps you meant '${child}' instead of '${target}'.`;
  } else {
    const parents = [...cache.relationships.values()]
      .flat()
      .filter((r) => r.table.schema === schema)
      .map((r) => r.table.name);
    const parent = closest(origin, new Set(parents), 0.33);
    if (parent !== undefined && parent !== origin)
      suggestion = `Perhaps you meant '${parent}' instead of '${origin}'.`;
  }
  throw noRelBetween(origin, target, hint, schema, suggestion);
}

/** To-one: the embed is a JSON object (or null), not an array. */
export function isToOne(rel: Relationship): boolean {
  return rel.cardinality === "many-to-one" || rel.cardinality === "one-to-one";
}
