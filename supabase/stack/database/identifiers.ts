/** SQL identifier quoting shared by the services that build statements (REST, realtime). */

export function ident(name: string): string {
  // Most names have no quote; skipping the replace matters, as every statement quotes dozens.
  return name.includes('"') ? `"${name.replace(/"/g, '""')}"` : `"${name}"`;
}

export function qualified(q: { schema: string; name: string }): string {
  return `${ident(q.schema)}.${ident(q.name)}`;
}
