/** The `Prefer` header (RFC 7240) with PostgREST's preferences. */

export interface Preferences {
  resolution?: "merge-duplicates" | "ignore-duplicates";
  return?: "representation" | "minimal" | "headers-only";
  count?: "exact" | "planned" | "estimated";
  tx?: "commit" | "rollback";
  missing?: "default" | "null";
  handling?: "strict" | "lenient";
  timezone?: string;
  maxAffected?: number;
  /** Preferences PostgREST does not know, for `handling=strict`. */
  invalid: string[];
}

const known: Record<string, [keyof Preferences, string]> = {
  "resolution=merge-duplicates": ["resolution", "merge-duplicates"],
  "resolution=ignore-duplicates": ["resolution", "ignore-duplicates"],
  "return=representation": ["return", "representation"],
  "return=minimal": ["return", "minimal"],
  "return=headers-only": ["return", "headers-only"],
  "count=exact": ["count", "exact"],
  "count=planned": ["count", "planned"],
  "count=estimated": ["count", "estimated"],
  "tx=commit": ["tx", "commit"],
  "tx=rollback": ["tx", "rollback"],
  "missing=default": ["missing", "default"],
  "missing=null": ["missing", "null"],
  "handling=strict": ["handling", "strict"],
  "handling=lenient": ["handling", "lenient"],
};

/**
 * Every `Prefer` header, split on commas; the first value of each kind wins. `tx=` is honoured
 * only when the server allows it (`db-tx-end` = `*-allow-override`).
 */
export function parsePreferences(headers: string[], allowTxOverride: boolean): Preferences {
  const prefs: Preferences = { invalid: [] };
  const record = prefs as unknown as Record<string, unknown>;
  for (const raw of headers.flatMap((header) => header.split(","))) {
    const pref = raw.trim();
    if (pref === "") continue;
    const entry = known[pref];
    if (entry) {
      const [key, value] = entry;
      if (key === "tx" && !allowTxOverride) continue;
      if (record[key] === undefined) record[key] = value;
    } else if (pref.startsWith("timezone=")) {
      prefs.timezone ??= pref.slice("timezone=".length);
    } else if (pref.startsWith("max-affected=")) {
      const n = Number(pref.slice("max-affected=".length));
      if (Number.isSafeInteger(n)) prefs.maxAffected ??= n;
    } else {
      prefs.invalid.push(pref);
    }
  }
  return prefs;
}

/** `Preference-Applied`: the preferences this response honoured, in PostgREST's order. */
export function preferenceApplied(prefs: Partial<Preferences>): string | undefined {
  const values = [
    prefs.resolution && `resolution=${prefs.resolution}`,
    prefs.missing && `missing=${prefs.missing}`,
    prefs.return && `return=${prefs.return}`,
    prefs.count && `count=${prefs.count}`,
    prefs.tx && `tx=${prefs.tx}`,
    prefs.handling && `handling=${prefs.handling}`,
    prefs.timezone && `timezone=${prefs.timezone}`,
    prefs.handling === "strict" &&
      prefs.maxAffected !== undefined &&
      `max-affected=${prefs.maxAffected}`,
  ].filter((v): v is string => typeof v === "string");
  return values.length > 0 ? values.join(", ") : undefined;
}
