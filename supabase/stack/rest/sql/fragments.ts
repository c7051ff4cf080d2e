/** Quoting and bound parameters: every identifier is quoted, every value is a `$n`. */
import type { QualifiedName } from "../schema-cache/types.ts";

export function ident(name: string): string {
  // Most names have no quote; skipping the replace matters, as every statement quotes dozens.
  return name.includes('"') ? `"${name.replace(/"/g, '""')}"` : `"${name}"`;
}

export function qualified(q: QualifiedName): string {
  return `${ident(q.schema)}.${ident(q.name)}`;
}

/** The statement's parameters; the same text value gets the same `$n`, so repeated expressions stay identical (GROUP BY). */
export class Params {
  readonly values: unknown[] = [];
  private readonly byText = new Map<string, string>();

  add(value: unknown): string {
    if (typeof value === "string") {
      const known = this.byText.get(value);
      if (known) return known;
      this.values.push(value);
      const ref = `$${this.values.length}`;
      this.byText.set(value, ref);
      return ref;
    }
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** A PostgreSQL array literal of text elements, for `= ANY($n)`. */
export function arrayLiteral(values: string[]): string {
  return `{${values.map((v) => `"${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(",")}}`;
}
