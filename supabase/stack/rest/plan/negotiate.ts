/**
 * Content negotiation, part of planning as in PostgREST (negotiateContent): the first media type
 * the client accepts that the action can produce decides how the statement shapes its body; none
 * is a 406 before any statement is built or sent.
 */
import type { RestConfig } from "../config.ts";
import { invalidPreferences, mediaTypeError } from "../errors.ts";
import type { ApiRequest } from "../http/request.ts";
import { mimeOf, type MediaType } from "../parse/media.ts";
import type { Preferences } from "../parse/prefer.ts";
import type { BodyShape } from "./types.ts";
import type { SchemaCache } from "../schema-cache/types.ts";

function shapeFor(
  media: MediaType,
  config: RestConfig,
  cache: SchemaCache,
  scalarResult: boolean,
): BodyShape | undefined {
  switch (media.kind) {
    case "json":
    case "any":
      return scalarResult ? { kind: "scalar", set: false } : { kind: "array", stripNulls: false };
    case "array-stripped":
      return { kind: "array", stripNulls: true };
    case "object":
      return { kind: "object", stripNulls: media.stripNulls };
    case "csv":
      return { kind: "csv" };
    case "geojson":
      return cache.typeNames.has("geometry") ? { kind: "geojson" } : undefined;
    case "plan":
      return config.planEnabled ? shapeFor(media.for, config, cache, scalarResult) : undefined;
    default:
      return undefined;
  }
}

export interface Negotiated {
  media: MediaType;
  shape: BodyShape;
}

/** What the client accepts, mapped to how the statement shapes its body. */
export function negotiate(
  api: ApiRequest,
  config: RestConfig,
  cache: SchemaCache,
  scalarResult: boolean,
): Negotiated {
  for (const media of api.accept) {
    const shape = shapeFor(media, config, cache, scalarResult);
    if (shape) return { media: media.kind === "any" ? { kind: "json" } : media, shape };
  }
  throw mediaTypeError(api.accept.map(mimeOf));
}

/** The root endpoint's OpenAPI document, in JSON or as OpenAPI's own media type. */
export function negotiateOpenApi(api: ApiRequest): void {
  if (!api.accept.some((m) => m.kind === "openapi" || m.kind === "json" || m.kind === "any"))
    throw mediaTypeError(api.accept.map(mimeOf));
}

/** `Prefer: handling=strict` refuses preferences it does not know, as PostgREST's plans check. */
export function checkStrict(prefs: Preferences): void {
  if (prefs.handling === "strict" && prefs.invalid.length > 0)
    throw invalidPreferences(prefs.invalid);
}
