// The certificate as a PDF: one A4 landscape page drawn with pdf-lib from what
// public.certificate_document() returns, with the QR code of the verification URL drawn as vector
// squares (one `re` per dark module) so it prints sharp at any size.

import {
  type Color,
  fill,
  PDFDocument,
  type PDFFont,
  type PDFImage,
  type PDFPage,
  popGraphicsState,
  pushGraphicsState,
  rectangle,
  rgb,
  setFillingRgbColor,
  StandardFonts,
} from "pdf-lib";
import { encode } from "uqr";

/** What certificate_document() returns (the fields this file prints). */
export interface CertificateDocument {
  certificate_id: string;
  certificate_number: string;
  verification_code: string;
  verification_url: string;
  status: "valid" | "expired" | "revoked";
  holder_name: string;
  title: string;
  heading: string;
  body: string;
  achieved_at: string;
  issued_at: string;
  expires_at: string | null;
  cpd_credits: number | string;
  cpd_cycle: string | null;
  issuer: { id: string | null; name: string; logo_path: string | null };
  template: {
    id: string | null;
    primary_color: string;
    accent_color: string;
    background_path: string | null;
    signature_image_path: string | null;
    signatory_name: string | null;
    signatory_title: string | null;
  };
  pdf_path: string;
}

/** Image files the template refers to, already fetched from Storage. */
export interface CertificateImages {
  signature?: Uint8Array;
  background?: Uint8Array;
  logo?: Uint8Array;
}

const PAGE: [number, number] = [841.89, 595.28]; // A4 landscape, in points
const MARGIN = 56;

function hexColor(hex: string): Color {
  const n = Number.parseInt(hex.replace(/^#/, ""), 16);
  return rgb(((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255);
}

function componentsOf(hex: string): [number, number, number] {
  const n = Number.parseInt(hex.replace(/^#/, ""), 16);
  return [((n >> 16) & 255) / 255, ((n >> 8) & 255) / 255, (n & 255) / 255];
}

/**
 * The standard PDF fonts encode WinAnsi only. Characters outside it are first tried without their
 * accents (NFKD), then printed as "?", so an unusual name never fails the whole certificate.
 */
export function printable(text: string, font: PDFFont): string {
  const charset = new Set(font.getCharacterSet());
  let out = "";
  for (const char of text.replace(/[\r\n\t]+/g, " ")) {
    if (charset.has(char.codePointAt(0)!)) {
      out += char;
      continue;
    }
    const plain = char.normalize("NFKD").replace(/[\u0300-\u036f]/g, "");
    out +=
      [...plain].every((c) => charset.has(c.codePointAt(0)!)) && plain.length > 0 ? plain : "?";
  }
  return out;
}

function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split(/\n/)) {
    let line = "";
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const candidate = line ? `${line} ${word}` : word;
      if (font.widthOfTextAtSize(candidate, size) <= width || !line) line = candidate;
      else {
        lines.push(line);
        line = word;
      }
    }
    lines.push(line);
  }
  return lines;
}

/** Shrinks the size until the text fits on one line. */
function fitSize(
  text: string,
  font: PDFFont,
  size: number,
  width: number,
  minimum: number,
): number {
  while (size > minimum && font.widthOfTextAtSize(text, size) > width) size -= 1;
  return size;
}

function centered(
  page: PDFPage,
  text: string,
  y: number,
  font: PDFFont,
  size: number,
  color: Color,
): void {
  const width = font.widthOfTextAtSize(text, size);
  page.drawText(text, { x: (PAGE[0] - width) / 2, y, size, font, color });
}

const formatDate = (iso: string) =>
  new Date(iso).toLocaleDateString("en-GB", {
    day: "numeric",
    month: "long",
    year: "numeric",
    timeZone: "UTC",
  });

async function embedImage(
  pdf: PDFDocument,
  bytes: Uint8Array | undefined,
): Promise<PDFImage | undefined> {
  if (!bytes || bytes.length < 4) return undefined;
  try {
    if (bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
      return await pdf.embedPng(bytes);
    if (bytes[0] === 0xff && bytes[1] === 0xd8) return await pdf.embedJpg(bytes);
  } catch (error) {
    console.warn("certificates: an image of the template could not be embedded", error);
  }
  // SVG, WebP and broken files are left out rather than failing the certificate.
  return undefined;
}

/** Draws `url` as a QR code (error correction M) with its bottom-left corner at x, y. */
function drawQrCode(
  page: PDFPage,
  url: string,
  x: number,
  y: number,
  size: number,
  color: string,
): void {
  const qr = encode(url, { ecc: "M", border: 0 });
  const module = size / qr.size;
  const [r, g, b] = componentsOf(color);
  const ops = [pushGraphicsState(), setFillingRgbColor(r, g, b)];
  qr.data.forEach((row, rowIndex) => {
    row.forEach((dark, column) => {
      if (dark)
        ops.push(
          rectangle(x + column * module, y + size - (rowIndex + 1) * module, module, module),
        );
    });
  });
  ops.push(fill(), popGraphicsState());
  page.pushOperators(...ops);
}

export async function renderCertificatePdf(
  doc: CertificateDocument,
  images: CertificateImages = {},
): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const issuedAt = new Date(doc.issued_at);
  pdf.setTitle(`${doc.heading}: ${doc.holder_name}`);
  pdf.setSubject(doc.title);
  pdf.setAuthor(doc.issuer.name);
  pdf.setKeywords([doc.certificate_number, doc.verification_code, doc.verification_url]);
  pdf.setCreator("Pitlane certificates");
  pdf.setProducer("Pitlane certificates (pdf-lib)");
  pdf.setCreationDate(issuedAt);
  pdf.setModificationDate(issuedAt);

  const page = pdf.addPage(PAGE);
  const [width, height] = PAGE;
  const regular = await pdf.embedFont(StandardFonts.Helvetica);
  const bold = await pdf.embedFont(StandardFonts.HelveticaBold);
  const serif = await pdf.embedFont(StandardFonts.TimesRomanBoldItalic);
  const primary = hexColor(doc.template.primary_color);
  const accent = hexColor(doc.template.accent_color);
  const muted = rgb(0.42, 0.45, 0.5);

  const background = await embedImage(pdf, images.background);
  if (background) page.drawImage(background, { x: 0, y: 0, width, height });
  page.drawRectangle({
    x: 20,
    y: 20,
    width: width - 40,
    height: height - 40,
    borderColor: accent,
    borderWidth: 3,
  });
  page.drawRectangle({
    x: 28,
    y: 28,
    width: width - 56,
    height: height - 56,
    borderColor: primary,
    borderWidth: 0.75,
  });

  let y = height - MARGIN - 24;
  const logo = await embedImage(pdf, images.logo);
  if (logo) {
    const scaled = logo.scaleToFit(140, 48);
    page.drawImage(logo, { x: (width - scaled.width) / 2, y: y - scaled.height + 20, ...scaled });
    y -= scaled.height + 4;
  } else {
    centered(page, printable(doc.issuer.name.toUpperCase(), bold), y, bold, 11, muted);
    y -= 22;
  }

  const heading = printable(doc.heading, bold);
  const headingSize = fitSize(heading, bold, 34, width - 2 * MARGIN, 16);
  y -= headingSize + 6;
  centered(page, heading, y, bold, headingSize, primary);

  const holder = printable(doc.holder_name, serif);
  const holderSize = fitSize(holder, serif, 40, width - 2 * MARGIN, 16);
  y -= holderSize + 44;
  centered(page, holder, y, serif, holderSize, accent);
  const underline = Math.min(serif.widthOfTextAtSize(holder, holderSize) + 40, width - 2 * MARGIN);
  page.drawLine({
    start: { x: (width - underline) / 2, y: y - 8 },
    end: { x: (width + underline) / 2, y: y - 8 },
    thickness: 0.75,
    color: primary,
  });

  y -= 52;
  for (const line of wrap(printable(doc.body, regular), regular, 14, width - 2 * MARGIN - 80).slice(
    0,
    8,
  )) {
    centered(page, line, y, regular, 14, primary);
    y -= 20;
  }
  const credits = Number(doc.cpd_credits);
  const facts = [
    credits > 0 ? `CPD credits: ${credits}` : undefined,
    doc.cpd_cycle ? `CPD cycle: ${doc.cpd_cycle}` : undefined,
    `Issued ${formatDate(doc.issued_at)}`,
    doc.expires_at ? `Valid until ${formatDate(doc.expires_at)}` : undefined,
  ]
    .filter(Boolean)
    .join("   |   ");
  centered(page, printable(facts, regular), y - 4, regular, 10, muted);

  // Signature block, bottom left.
  const baseline = MARGIN + 36;
  const signature = await embedImage(pdf, images.signature);
  if (signature) {
    const scaled = signature.scaleToFit(180, 56);
    page.drawImage(signature, { x: MARGIN + 20, y: baseline + 4, ...scaled });
  }
  page.drawLine({
    start: { x: MARGIN + 20, y: baseline },
    end: { x: MARGIN + 240, y: baseline },
    thickness: 0.75,
    color: primary,
  });
  if (doc.template.signatory_name) {
    page.drawText(printable(doc.template.signatory_name, bold), {
      x: MARGIN + 20,
      y: baseline - 15,
      size: 11,
      font: bold,
      color: primary,
    });
  }
  page.drawText(printable(doc.template.signatory_title ?? doc.issuer.name, regular), {
    x: MARGIN + 20,
    y: baseline - (doc.template.signatory_name ? 29 : 15),
    size: 9,
    font: regular,
    color: muted,
  });

  // Verification block, bottom right: QR code, number, code and URL.
  const qrSize = 86;
  const qrX = width - MARGIN - qrSize - 4;
  const qrY = MARGIN - 8;
  drawQrCode(page, doc.verification_url, qrX, qrY, qrSize, "#000000");
  const right = qrX - 12;
  const lines: [string, PDFFont, number][] = [
    [`Certificate No. ${doc.certificate_number}`, bold, 9],
    [`Verification code: ${doc.verification_code}`, bold, 9],
    ["Verify at", regular, 8],
    [doc.verification_url, regular, 8],
  ];
  let lineY = qrY + qrSize - 10;
  for (const [text, font, size] of lines) {
    const shown = printable(text, font);
    const fitted = fitSize(shown, font, size, 300, 5);
    page.drawText(shown, {
      x: right - font.widthOfTextAtSize(shown, fitted),
      y: lineY,
      size: fitted,
      font,
      color: primary,
    });
    lineY -= 14;
  }

  return await pdf.save();
}
