// Reads back a certificate PDF the way a test can trust: pdf-lib parses the file, the text shown on
// the page is taken from the page's content stream (the standard fonts write it as hex strings),
// and the QR code, drawn as one square per dark module, is rebuilt as an image and decoded with
// jsQR, as a phone camera would.

import jsQRModule from "jsqr";
import {
  decodePDFRawStream,
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFRawStream,
  type PDFPage,
} from "pdf-lib";

// jsqr is CommonJS (webpack UMD): under Node's ESM loader its function may sit on `.default`.
type Decode = (data: Uint8ClampedArray, width: number, height: number) => { data: string } | null;
const jsQR = ((jsQRModule as unknown as { default?: Decode }).default ??
  jsQRModule) as unknown as Decode;

export interface ReadPdf {
  pageCount: number;
  title: string | undefined;
  keywords: string | undefined;
  /** Every string shown on the pages, in drawing order. */
  lines: string[];
  /** What the QR code on the first page says, or undefined when none decodes. */
  qr: string | undefined;
  /** How many images the first page draws (signature, logo, background). */
  images: number;
}

function imagesOf(page: PDFPage): number {
  const xObjects = page.node.Resources()?.lookupMaybe(PDFName.of("XObject"), PDFDict);
  if (!xObjects) return 0;
  return xObjects.values().filter((ref) => {
    const object = page.doc.context.lookup(ref);
    return (
      object instanceof PDFRawStream &&
      object.dict.get(PDFName.of("Subtype")) === PDFName.of("Image")
    );
  }).length;
}

function contentOf(page: PDFPage): string {
  const contents = page.node.Contents();
  if (!contents) return "";
  const streams =
    contents instanceof PDFArray
      ? contents.asArray().map((ref) => page.doc.context.lookup(ref))
      : [contents];
  return streams
    .map((stream) => {
      if (!(stream instanceof PDFRawStream))
        throw new Error(`unexpected content stream ${stream?.constructor.name}`);
      return Buffer.from(decodePDFRawStream(stream).decode()).toString("latin1");
    })
    .join("\n");
}

const fromHex = (hex: string) => Buffer.from(hex, "hex").toString("latin1");

/** The QR code drawn as `x y w h re` squares, rasterized at 4 pixels a module with a quiet zone. */
function decodeQr(content: string): string | undefined {
  const squares = [...content.matchAll(/(-?[\d.]+) (-?[\d.]+) (-?[\d.]+) (-?[\d.]+) re\b/g)]
    .map((match) => match.slice(1, 5).map(Number) as [number, number, number, number])
    .filter(([, , w, h]) => Math.abs(w - h) < 1e-6);
  if (squares.length === 0) return undefined;
  const module = squares[0]![2];
  const minX = Math.min(...squares.map(([x]) => x));
  const maxY = Math.max(...squares.map(([, y]) => y));
  const cells = squares.map(
    ([x, y]) => [Math.round((maxY - y) / module), Math.round((x - minX) / module)] as const,
  );
  const size = Math.max(...cells.flat()) + 1;
  const scale = 4;
  const border = 4;
  const pixels = (size + 2 * border) * scale;
  const rgba = new Uint8ClampedArray(pixels * pixels * 4).fill(255);
  for (const [row, column] of cells) {
    for (let dy = 0; dy < scale; dy++) {
      for (let dx = 0; dx < scale; dx++) {
        const offset =
          (((row + border) * scale + dy) * pixels + (column + border) * scale + dx) * 4;
        rgba[offset] = rgba[offset + 1] = rgba[offset + 2] = 0;
      }
    }
  }
  return jsQR(rgba, pixels, pixels)?.data;
}

export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
  const pages = pdf.getPages();
  const contents = pages.map(contentOf);
  return {
    pageCount: pages.length,
    title: pdf.getTitle(),
    keywords: pdf.getKeywords(),
    lines: contents.flatMap((content) =>
      [...content.matchAll(/<([0-9A-Fa-f]*)>\s*Tj/g)].map((match) => fromHex(match[1]!)),
    ),
    qr: contents[0] ? decodeQr(contents[0]) : undefined,
    images: pages[0] ? imagesOf(pages[0]) : 0,
  };
}
