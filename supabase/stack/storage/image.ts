/**
 * Image transformations as storage-api asks imgproxy for them (its ImageRenderer), done with sharp
 * in process: the same options, limits, defaults, segment names and error messages.
 */
import type { FormatEnum, Sharp } from "sharp";
import { errors, StorageError } from "./errors.ts";

export interface TransformOptions {
  width?: number;
  height?: number;
  resize?: "cover" | "contain" | "fill";
  format?: "origin" | "avif" | "webp";
  quality?: number;
}

/** storage-api's defaults for IMAGE_TRANSFORMATION_LIMIT_MIN_SIZE / _MAX_SIZE. */
const sizeLimits = { min: 1, max: 2000 };
/** imgproxy's IMGPROXY_QUALITY default. */
const defaultQuality = 80;

const clamp = (value: number) => Math.min(Math.max(value, sizeLimits.min), sizeLimits.max);

const resizeTypes = { cover: "fill", contain: "fit", fill: "force" } as const;

/**
 * The option segments storage-api sends imgproxy (answered in `X-Transformations`), or with
 * `keepOriginal` the ones it puts in a signed URL's token.
 */
export function transformationSegments(options: TransformOptions, keepOriginal = false): string[] {
  const segments: string[] = [];
  if (options.height) segments.push(`height:${clamp(options.height)}`);
  if (options.width) segments.push(`width:${clamp(options.width)}`);
  if (options.width || options.height)
    segments.push(
      keepOriginal
        ? `resize:${options.resize}`
        : `resizing_type:${resizeTypes[options.resize ?? "cover"]}`,
    );
  if (options.quality) segments.push(`quality:${options.quality}`);
  if (options.format && options.format !== "origin") segments.push(`format:${options.format}`);
  return segments;
}

/** A signed URL's `transformations` claim back into options (storage-api's setTransformationsFromString). */
export function transformationsFromString(text: string): TransformOptions {
  const options: TransformOptions = {};
  for (const param of text.split(",")) {
    const [name, value] = param.split(":");
    if (value === undefined || value === "") continue;
    if (name === "height") options.height = parseInt(value, 10);
    else if (name === "width") options.width = parseInt(value, 10);
    else if (name === "quality") options.quality = parseInt(value, 10);
    else if (name === "resize" && (value === "cover" || value === "contain" || value === "fill"))
      options.resize = value;
    else if (name === "format" && (value === "origin" || value === "avif" || value === "webp"))
      options.format = value;
  }
  return options;
}

const integerParam = (query: URLSearchParams, name: string, min: number, max?: number) => {
  const raw = query.get(name);
  if (raw === null) return undefined;
  // Fastify coerces query strings for its JSON schema; ajv then words the refusal.
  if (!/^-?\d+$/.test(raw.trim()))
    throw errors.invalidRequest(`querystring/${name} must be integer`);
  const value = Number(raw);
  if (value < min) throw errors.invalidRequest(`querystring/${name} must be >= ${min}`);
  if (max !== undefined && value > max)
    throw errors.invalidRequest(`querystring/${name} must be <= ${max}`);
  return value;
};

function enumParam<T extends string>(query: URLSearchParams, name: string, values: readonly T[]) {
  const raw = query.get(name);
  if (raw === null) return undefined;
  if (!values.includes(raw as T))
    throw errors.invalidRequest(`querystring/${name} must be equal to one of the allowed values`);
  return raw as T;
}

/** The render routes' query string, validated as storage-api's transformationOptionsSchema. */
export function transformOptionsFromQuery(query: URLSearchParams): TransformOptions {
  const options: TransformOptions = {};
  const height = integerParam(query, "height", 0);
  const width = integerParam(query, "width", 0);
  const quality = integerParam(query, "quality", 20, 100);
  const resize = enumParam(query, "resize", ["cover", "contain", "fill"] as const);
  const format = enumParam(query, "format", ["origin", "avif", "webp"] as const);
  if (height !== undefined) options.height = height;
  if (width !== undefined) options.width = width;
  if (quality !== undefined) options.quality = quality;
  if (resize !== undefined) options.resize = resize;
  if (format !== undefined) options.format = format;
  return options;
}

const sharpFit = { cover: "cover", contain: "inside", fill: "fill" } as const;

const mimeTypes: Record<string, string> = {
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  avif: "image/avif",
  gif: "image/gif",
  tiff: "image/tiff",
};

/**
 * Transforms the source bytes. Like imgproxy as Supabase runs it: images are never enlarged,
 * `format` unset means WebP for clients that accept it (IMGPROXY_ENABLE_WEBP_DETECTION) and the
 * source's own format otherwise, and quality defaults to 80.
 */
export async function renderImage(
  source: Buffer,
  options: TransformOptions,
  accept: string | undefined,
): Promise<{ body: Buffer; contentType: string }> {
  // Imported here, not at start: sharp maps libvips into the process (some 20 MB resident), which
  // only a stack that renders images should pay for.
  const { default: sharp } = await import("sharp");
  let image: Sharp;
  let sourceFormat: string;
  try {
    // Turned upright by its EXIF orientation first, as imgproxy does.
    image = sharp(source, { failOn: "error" }).rotate();
    sourceFormat = (await image.metadata()).format;
  } catch {
    throw new StorageError(
      400,
      "InvalidRequest",
      "The source image is invalid or unsupported for rendering",
    );
  }
  if (options.width || options.height) {
    image = image.resize({
      ...(options.width && { width: clamp(options.width) }),
      ...(options.height && { height: clamp(options.height) }),
      fit: sharpFit[options.resize ?? "cover"],
      withoutEnlargement: true,
    });
  }
  const format =
    options.format === "webp" || options.format === "avif"
      ? options.format
      : options.format === undefined && accept?.includes("image/webp")
        ? "webp"
        : // SVG and other formats sharp reads but does not write come out as PNG, as from imgproxy.
          sourceFormat === "heif"
          ? "avif"
          : ["jpeg", "png", "webp", "gif", "tiff"].includes(sourceFormat)
            ? sourceFormat
            : "png";
  const quality = options.quality ?? defaultQuality;
  const body = await image.toFormat(format as keyof FormatEnum, { quality }).toBuffer();
  return { body, contentType: mimeTypes[format] ?? "application/octet-stream" };
}
