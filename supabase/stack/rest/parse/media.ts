/** Media types PostgREST produces and the Accept header's negotiation (PostgREST.MediaType). */

export type PlanOption = "analyze" | "verbose" | "settings" | "buffers" | "wal";

export type MediaType =
  | { kind: "json" }
  | { kind: "geojson" }
  | { kind: "csv" }
  | { kind: "text" }
  | { kind: "xml" }
  | { kind: "openapi" }
  | { kind: "urlencoded" }
  | { kind: "octet" }
  | { kind: "any" }
  | { kind: "array-stripped" }
  | { kind: "object"; stripNulls: boolean }
  | { kind: "plan"; format: "json" | "text"; for: MediaType; options: PlanOption[] }
  | { kind: "other"; mime: string };

function parameters(text: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const part of text.split(";").slice(1)) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    params.set(
      part.slice(0, eq).trim().toLowerCase(),
      part
        .slice(eq + 1)
        .trim()
        .replace(/^"(.*)"$/, "$1"),
    );
  }
  return params;
}

function planMedia(format: "json" | "text", params: Map<string, string>): MediaType {
  return {
    kind: "plan",
    format,
    for: decodeMediaType(params.get("for") ?? "application/json"),
    options: (params.get("options") ?? "")
      .split("|")
      .filter((o): o is PlanOption =>
        ["analyze", "verbose", "settings", "buffers", "wal"].includes(o),
      ),
  };
}

export function decodeMediaType(text: string): MediaType {
  const essence = text.split(";")[0]!.trim().toLowerCase();
  const params = parameters(text);
  const stripNulls = params.get("nulls") === "stripped";
  switch (essence) {
    case "application/json":
      return { kind: "json" };
    case "application/geo+json":
      return { kind: "geojson" };
    case "text/csv":
      return { kind: "csv" };
    case "text/plain":
      return { kind: "text" };
    case "text/xml":
      return { kind: "xml" };
    case "application/openapi+json":
      return { kind: "openapi" };
    case "application/x-www-form-urlencoded":
      return { kind: "urlencoded" };
    case "application/octet-stream":
      return { kind: "octet" };
    case "application/vnd.pgrst.plan":
    case "application/vnd.pgrst.plan+text":
      return planMedia("text", params);
    case "application/vnd.pgrst.plan+json":
      return planMedia("json", params);
    case "application/vnd.pgrst.object+json":
    case "application/vnd.pgrst.object":
      return { kind: "object", stripNulls };
    case "application/vnd.pgrst.array+json":
    case "application/vnd.pgrst.array":
      return stripNulls ? { kind: "array-stripped" } : { kind: "json" };
    case "*/*":
      return { kind: "any" };
    default:
      return { kind: "other", mime: text.trim() };
  }
}

export function mimeOf(media: MediaType): string {
  switch (media.kind) {
    case "json":
      return "application/json";
    case "geojson":
      return "application/geo+json";
    case "csv":
      return "text/csv";
    case "text":
      return "text/plain";
    case "xml":
      return "text/xml";
    case "openapi":
      return "application/openapi+json";
    case "urlencoded":
      return "application/x-www-form-urlencoded";
    case "octet":
      return "application/octet-stream";
    case "any":
      return "*/*";
    case "array-stripped":
      return "application/vnd.pgrst.array+json;nulls=stripped";
    case "object":
      return media.stripNulls
        ? "application/vnd.pgrst.object+json;nulls=stripped"
        : "application/vnd.pgrst.object+json";
    case "plan":
      return `application/vnd.pgrst.plan+${media.format}; for="${mimeOf(media.for)}"${media.options.length > 0 ? `; options=${media.options.join("|")}` : ""}`;
    case "other":
      return media.mime;
  }
}

/** The Content-Type header for a media type: with a charset except for binary and unknown ones. */
export function contentTypeOf(media: MediaType): string {
  const mime = mimeOf(media);
  return media.kind === "octet" || media.kind === "other" ? mime : `${mime}; charset=utf-8`;
}

/** The media types of an Accept header, most preferred first (by `q`, then by order). */
export function parseAccept(header: string | undefined): MediaType[] {
  if (header === undefined || header.trim() === "") return [{ kind: "any" }];
  const entries = header
    .split(",")
    .map((part, index) => {
      const q = Number(parameters(part).get("q") ?? "1");
      return { text: part.trim(), q: Number.isFinite(q) ? q : 1, index };
    })
    .filter((entry) => entry.text !== "" && entry.q > 0);
  entries.sort((a, b) => b.q - a.q || a.index - b.index);
  return entries.map((entry) => decodeMediaType(entry.text.replace(/;\s*q=[^;]*/i, "")));
}
