/** SQL identifier quoting shared by the services that build statements (REST, realtime). */

export function ident(name: string): string {
  // Most names have no quote; skipping the replace matters, as every statement quotes dozens.
  return name.includes('"') ? `"${name.replace(/"/g, '""')}"` : `"${name}"`;
}

export function qualified(q: { schema: string; name: string }): string {
  return `${ident(q.schema)}.${ident(q.name)}`;
}

/**
 * A string constant holding any text, as pg's escapeLiteral makes it (an escape string, E'…', with
 * quotes and backslashes doubled, so its meaning does not hang on standard_conforming_strings), but
 * in one replace: escapeLiteral appends a character at a time, megabytes of garbage for the
 * hundred-kilobyte callers list of a postgres_changes RLS check with 500 subscribers.
 */
export function literal(text: string): string {
  return `E'${text.replace(/[\\']/g, "$&$&")}'`;
}
