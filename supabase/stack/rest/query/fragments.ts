/** Bound parameters and literals: every value is a `$n` (identifiers are quoted by database/identifiers.ts). */

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
