/** The `Range` request header and `Content-Range` responses (PostgREST.RangeQuery). */
import type { RowRange } from "./types.ts";

/**
 * `Range: 0-9` (unit `items`, the only one PostgREST knows). A header that does not match
 * `^[0-9]+-[0-9]*$` means "everything", as in PostgREST; a lower bound above the upper is empty.
 */
export function parseRangeHeader(header: string | undefined): { range: RowRange; empty: boolean } {
  const match = header === undefined ? null : /^(\d+)-(\d*)$/.exec(header.trim());
  if (!match) return { range: { offset: 0 }, empty: false };
  const lower = Number(match[1]);
  if (match[2] === "") return { range: { offset: lower }, empty: false };
  const upper = Number(match[2]);
  if (upper < lower) return { range: { offset: lower, limit: 0 }, empty: true };
  return { range: { offset: lower, limit: upper - lower + 1 }, empty: false };
}

/** The rows both ranges allow. */
export function intersectRanges(a: RowRange, b: RowRange): RowRange {
  const offset = Math.max(a.offset, b.offset);
  const ends = [a, b].filter((r) => r.limit !== undefined).map((r) => r.offset + r.limit!);
  if (ends.length === 0) return { offset };
  return { offset, limit: Math.max(0, Math.min(...ends) - offset) };
}

/** Narrows a range to at most `maxRows` rows (db-max-rows). */
export function restrictRange(range: RowRange, maxRows: number | undefined): RowRange {
  if (maxRows === undefined) return range;
  return { offset: range.offset, limit: Math.min(range.limit ?? maxRows, maxRows) };
}

export function contentRange(lower: number, upper: number, total: number | undefined): string {
  const totalText = total === undefined ? "*" : String(total);
  const rangeText = total !== 0 && lower <= upper ? `${lower}-${upper}` : "*";
  return `${rangeText}/${totalText}`;
}

/** 200, 206 when the response is part of a larger counted result, 416 when the offset is past its end. */
export function rangeStatus(lower: number, rows: number, total: number | undefined): number {
  if (total === undefined) return 200;
  const upper = lower + rows - 1;
  if (lower > total) return 416;
  if (1 + upper - lower < total) return 206;
  return 200;
}
