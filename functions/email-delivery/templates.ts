// Email templates: one per notification type and the digest, in English and Indonesian, each
// rendered as HTML and plain text from the outbox row's data. A row whose data lacks what its
// template needs is refused (MalformedTemplateData) and never retried.
import { z } from "zod";
import { escapeHtml } from "../_shared/html.ts";
import { CampaignData, renderCampaign } from "./campaign.ts";

export type Locale = "en" | "id";

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

export interface Links {
  /** The app's base URL: relative action URLs and accept links are resolved against it. */
  site: string;
  /** The one-click unsubscribe page for this email, when its type may be unsubscribed from. */
  unsubscribe?: string;
  /** The campaign-tracking function's URL, for campaign emails' tracked links and pixel. */
  tracking?: string;
}

export class MalformedTemplateData extends Error {}

const Base = z
  .object({
    title: z.string().min(1),
    body: z.string().nullish(),
    action_url: z.string().nullish(),
  })
  .passthrough();

/** An appointment's notice: the start in UTC, and in the location's time zone when known. */
const Appointment = Base.extend({
  location_name: z.string(),
  starts_at: z.string(),
  local_starts_at: z.string().nullish(),
  time_zone: z.string().nullish(),
});

const Membership = Base.extend({ plan_name: z.string(), ends_at: z.string() });

/** What each template reads besides title, body and action_url. */
const schemas: Record<string, z.ZodType<Record<string, unknown>>> = {
  registration_confirmed: Base.extend({ event_title: z.string(), starts_at: z.string() }),
  registration_waitlisted: Base.extend({ event_title: z.string() }),
  registration_offered: Base.extend({ event_title: z.string(), offer_expires_at: z.string() }),
  registration_offer_expired: Base.extend({ event_title: z.string() }),
  registration_cancelled: Base.extend({ event_title: z.string() }),
  course_completed: Base.extend({ course_title: z.string() }),
  certificate_issued: Base.extend({
    certificate_number: z.string(),
    title: z.string(),
    verification_code: z.string(),
  }),
  certificate_revoked: Base.extend({
    certificate_number: z.string(),
    title: z.string(),
    reason: z.string(),
  }),
  invoice_paid: Base.extend({ invoice_number: z.string(), formatted_amount: z.string() }),
  invoice_payment_failed: Base.extend({ invoice_number: z.string() }),
  invoice_expiring: Base.extend({
    invoice_number: z.string(),
    formatted_amount: z.string(),
    expires_at: z.string(),
  }),
  invoice_refunded: Base.extend({ invoice_number: z.string(), formatted_refund: z.string() }),
  invitation_received: Base.extend({
    organization_name: z.string(),
    code: z.string(),
    role: z.string(),
    accept_path: z.string(),
  }),
  // Service membership (sql/ service notifications, memberships and support chat).
  service_due: Base.extend({
    service_name: z.string(),
    due_on: z.string().nullish(),
    due_odometer: z.union([z.number(), z.string()]).nullish(),
    odometer_unit: z.string().nullish(),
  }),
  appointment_reminder: Appointment,
  appointment_booked: Appointment,
  appointment_rescheduled: Appointment,
  appointment_cancelled: Appointment,
  membership_activated: Membership,
  membership_renewal_due: Membership,
  membership_lapsed: Membership,
  new_message: Base.extend({ subject: z.string().nullish() }),
  campaign: CampaignData,
  digest: z
    .object({
      period: z.string(),
      items: z
        .array(
          z.object({
            type: z.string(),
            title: z.string(),
            body: z.string().nullish(),
            action_url: z.string().nullish(),
          }),
        )
        .min(1),
    })
    .passthrough(),
};

const words = {
  en: {
    open: "Open in Pitlane",
    unsubscribe: "Stop these emails",
    footer: "You get this email because of your Pitlane notification settings.",
    digestDaily: "Your daily Pitlane summary",
    digestWeekly: "Your weekly Pitlane summary",
    accept: "Accept the invitation",
    code: "Invitation code",
    verify: "Verification code",
  },
  id: {
    open: "Buka di Pitlane",
    unsubscribe: "Berhenti menerima email ini",
    footer: "Anda menerima email ini sesuai pengaturan notifikasi Pitlane Anda.",
    digestDaily: "Ringkasan harian Pitlane Anda",
    digestWeekly: "Ringkasan mingguan Pitlane Anda",
    accept: "Terima undangan",
    code: "Kode undangan",
    verify: "Kode verifikasi",
  },
} as const;

// Each template reads the fields its type carries; render() checks them against a schema first.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Data = Record<string, any>;

/** Subject and first paragraph per type and language; types without one use the row's title and body. */
const phrases: Record<string, Record<Locale, (d: Data) => [string, (string | undefined)?]>> = {
  registration_confirmed: {
    en: (d) => [`You're registered: ${d.event_title}`, `See you on ${day(d.starts_at, "en")}.`],
    id: (d) => [
      `Pendaftaran terkonfirmasi: ${d.event_title}`,
      `Sampai jumpa pada ${day(d.starts_at, "id")}.`,
    ],
  },
  registration_waitlisted: {
    en: (d) => [`On the waiting list: ${d.event_title}`, "We'll email you if a seat frees up."],
    id: (d) => [
      `Dalam daftar tunggu: ${d.event_title}`,
      "Kami akan mengabari Anda bila ada kursi kosong.",
    ],
  },
  registration_offered: {
    en: (d) => [
      `A seat is free for you: ${d.event_title}`,
      `Claim it before ${day(d.offer_expires_at, "en")}.`,
    ],
    id: (d) => [
      `Ada kursi untuk Anda: ${d.event_title}`,
      `Ambil sebelum ${day(d.offer_expires_at, "id")}.`,
    ],
  },
  registration_offer_expired: {
    en: (d) => [`Seat offer expired: ${d.event_title}`],
    id: (d) => [`Tawaran kursi kedaluwarsa: ${d.event_title}`],
  },
  registration_cancelled: {
    en: (d) => [`Registration cancelled: ${d.event_title}`],
    id: (d) => [`Pendaftaran dibatalkan: ${d.event_title}`],
  },
  course_completed: {
    en: (d) => [`You completed ${d.course_title}`, "Congratulations!"],
    id: (d) => [`Anda telah menyelesaikan ${d.course_title}`, "Selamat!"],
  },
  certificate_issued: {
    en: (d) => [
      `Your certificate: ${d.title}`,
      `Certificate ${d.certificate_number}. ${words.en.verify}: ${d.verification_code}`,
    ],
    id: (d) => [
      `Sertifikat Anda: ${d.title}`,
      `Sertifikat ${d.certificate_number}. ${words.id.verify}: ${d.verification_code}`,
    ],
  },
  certificate_revoked: {
    en: (d) => [
      `Certificate revoked: ${d.title}`,
      `Certificate ${d.certificate_number} was revoked: ${d.reason}`,
    ],
    id: (d) => [
      `Sertifikat dicabut: ${d.title}`,
      `Sertifikat ${d.certificate_number} dicabut: ${d.reason}`,
    ],
  },
  invoice_paid: {
    en: (d) => [
      `Payment received: invoice ${d.invoice_number}`,
      `We received ${d.formatted_amount}. Thank you.`,
    ],
    id: (d) => [
      `Pembayaran diterima: tagihan ${d.invoice_number}`,
      `Kami telah menerima ${d.formatted_amount}. Terima kasih.`,
    ],
  },
  invoice_payment_failed: {
    en: (d) => [
      `Payment failed: invoice ${d.invoice_number}`,
      "The payment did not go through. You can try again before the invoice expires.",
    ],
    id: (d) => [
      `Pembayaran gagal: tagihan ${d.invoice_number}`,
      "Pembayaran tidak berhasil. Anda dapat mencoba lagi sebelum tagihan kedaluwarsa.",
    ],
  },
  invoice_expiring: {
    en: (d) => [
      `Invoice ${d.invoice_number} expires soon`,
      `Pay ${d.formatted_amount} before ${day(d.expires_at, "en")}.`,
    ],
    id: (d) => [
      `Tagihan ${d.invoice_number} segera kedaluwarsa`,
      `Bayar ${d.formatted_amount} sebelum ${day(d.expires_at, "id")}.`,
    ],
  },
  invoice_refunded: {
    en: (d) => [
      `Refund for invoice ${d.invoice_number}`,
      `${d.formatted_refund} has been refunded in total.`,
    ],
    id: (d) => [
      `Pengembalian dana tagihan ${d.invoice_number}`,
      `Total ${d.formatted_refund} telah dikembalikan.`,
    ],
  },
  service_due: {
    en: (d) => [`Service due: ${d.service_name}`, dueWhen(d, "en")],
    id: (d) => [`Servis jatuh tempo: ${d.service_name}`, dueWhen(d, "id")],
  },
  appointment_reminder: {
    en: (d) => [
      `Reminder: your service appointment at ${d.location_name} is tomorrow`,
      `It starts at ${appointmentTime(d, "en")}.`,
    ],
    id: (d) => [
      `Pengingat: janji servis Anda di ${d.location_name} besok`,
      `Dimulai pada ${appointmentTime(d, "id")}.`,
    ],
  },
  appointment_booked: {
    en: (d) => [
      `Appointment booked at ${d.location_name}`,
      `See you on ${appointmentTime(d, "en")}.`,
    ],
    id: (d) => [
      `Janji servis dipesan di ${d.location_name}`,
      `Sampai jumpa pada ${appointmentTime(d, "id")}.`,
    ],
  },
  appointment_rescheduled: {
    en: (d) => [
      `Appointment moved: ${d.location_name}`,
      `It now starts at ${appointmentTime(d, "en")}.`,
    ],
    id: (d) => [
      `Janji servis dipindahkan: ${d.location_name}`,
      `Sekarang dimulai pada ${appointmentTime(d, "id")}.`,
    ],
  },
  appointment_cancelled: {
    en: (d) => [
      `Appointment cancelled: ${d.location_name}`,
      `The appointment on ${appointmentTime(d, "en")} is cancelled.`,
    ],
    id: (d) => [
      `Janji servis dibatalkan: ${d.location_name}`,
      `Janji servis pada ${appointmentTime(d, "id")} dibatalkan.`,
    ],
  },
  membership_activated: {
    en: (d) => [
      `Your ${d.plan_name} membership is active`,
      `It runs until ${day(d.ends_at, "en")}.`,
    ],
    id: (d) => [`Keanggotaan ${d.plan_name} Anda aktif`, `Berlaku hingga ${day(d.ends_at, "id")}.`],
  },
  membership_renewal_due: {
    en: (d) => [
      `Your ${d.plan_name} membership ends soon`,
      `It ends on ${day(d.ends_at, "en")}. Renew it to keep your benefits.`,
    ],
    id: (d) => [
      `Keanggotaan ${d.plan_name} Anda segera berakhir`,
      `Berakhir pada ${day(d.ends_at, "id")}. Perpanjang agar manfaatnya tetap berlaku.`,
    ],
  },
  membership_lapsed: {
    en: (d) => [
      `Your ${d.plan_name} membership has ended`,
      `It ended on ${day(d.ends_at, "en")}. You can renew it at any time.`,
    ],
    id: (d) => [
      `Keanggotaan ${d.plan_name} Anda telah berakhir`,
      `Berakhir pada ${day(d.ends_at, "id")}. Anda dapat memperpanjangnya kapan saja.`,
    ],
  },
  new_message: {
    en: (d) => [d.subject ? `New message: ${d.subject}` : d.title],
    id: (d) => [d.subject ? `Pesan baru: ${d.subject}` : "Pesan baru untuk Anda"],
  },
  invitation_received: {
    en: (d) => [
      `You're invited to join ${d.organization_name}`,
      `${d.invited_by ?? "Someone"} invited you to join ${d.organization_name} as ${d.role}.`,
    ],
    id: (d) => [
      `Anda diundang bergabung dengan ${d.organization_name}`,
      `${d.invited_by ?? "Seseorang"} mengundang Anda bergabung dengan ${d.organization_name} sebagai ${d.role}.`,
    ],
  },
};

/** When an appointment starts: on the location's clock when the data has it, else in UTC. */
function appointmentTime(d: Data, locale: Locale): string {
  return d.local_starts_at && d.time_zone
    ? `${d.local_starts_at} (${d.time_zone})`
    : day(d.starts_at, locale);
}

/** When a due service falls due: by date, by odometer, or both. */
function dueWhen(d: Data, locale: Locale): string | undefined {
  const parts = [
    d.due_on ? (locale === "id" ? `pada ${d.due_on}` : `on ${d.due_on}`) : undefined,
    d.due_odometer != null
      ? `${locale === "id" ? "pada" : "at"} ${d.due_odometer} ${d.odometer_unit ?? "km"}`
      : undefined,
  ].filter(Boolean);
  if (parts.length === 0) return undefined;
  return locale === "id"
    ? `Jatuh tempo ${parts.join(" atau ")}.`
    : `Due ${parts.join(" or ")}, whichever comes first.`;
}

function day(value: unknown, locale: Locale): string {
  const date = new Date(String(value));
  if (Number.isNaN(date.getTime())) return String(value);
  return (
    new Intl.DateTimeFormat(locale === "id" ? "id-ID" : "en-GB", {
      dateStyle: "long",
      timeStyle: "short",
      timeZone: "UTC",
    }).format(date) + " UTC"
  );
}

function absolute(url: string | null | undefined, site: string): string | undefined {
  if (!url) return undefined;
  return new URL(url, site.endsWith("/") ? site : `${site}/`).toString();
}

interface Block {
  heading: string;
  paragraphs: string[];
  link?: { label: string; href: string };
  items?: { title: string; body?: string | null; href?: string }[];
}

function layout(block: Block, locale: Locale, links: Links): { text: string; html: string } {
  const w = words[locale];
  const text = [
    block.heading,
    "",
    ...block.paragraphs.flatMap((p) => [p, ""]),
    ...(block.items ?? []).flatMap((item) => [
      `- ${item.title}${item.body ? `: ${item.body}` : ""}${item.href ? ` (${item.href})` : ""}`,
    ]),
    ...(block.link ? ["", `${block.link.label}: ${block.link.href}`] : []),
    "",
    "--",
    w.footer,
    ...(links.unsubscribe ? [`${w.unsubscribe}: ${links.unsubscribe}`] : []),
  ].join("\n");
  const html = `<!doctype html><html lang="${locale}"><body style="font-family:sans-serif;max-width:560px;margin:auto">
<h1 style="font-size:20px">${escapeHtml(block.heading)}</h1>
${block.paragraphs.map((p) => `<p>${escapeHtml(p)}</p>`).join("\n")}
${block.items ? `<ul>${block.items.map((item) => `<li>${item.href ? `<a href="${escapeHtml(item.href)}">${escapeHtml(item.title)}</a>` : escapeHtml(item.title)}${item.body ? ` — ${escapeHtml(item.body)}` : ""}</li>`).join("")}</ul>` : ""}
${block.link ? `<p><a href="${escapeHtml(block.link.href)}">${escapeHtml(block.link.label)}</a></p>` : ""}
<hr><p style="font-size:12px;color:#666">${escapeHtml(w.footer)}${links.unsubscribe ? ` <a href="${escapeHtml(links.unsubscribe)}">${escapeHtml(w.unsubscribe)}</a>` : ""}</p>
</body></html>`;
  return { text, html };
}

/** Renders an outbox row's template in its language. */
export function render(template: string, locale: Locale, data: unknown, links: Links): Rendered {
  const schema = schemas[template] ?? Base;
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new MalformedTemplateData(
      `malformed template data for ${template}: ${issue.path.join(".") || "data"}: ${issue.message}`,
    );
  }
  const d = parsed.data as Data;
  const w = words[locale];

  if (template === "campaign") return renderCampaign(d as z.infer<typeof CampaignData>, links);

  if (template === "digest") {
    const heading = String(d.period).startsWith("W") ? w.digestWeekly : w.digestDaily;
    return {
      subject: `${heading} (${d.items.length})`,
      ...layout(
        {
          heading,
          paragraphs: [],
          items: d.items.map((item: Data) => ({
            title: item.title,
            body: item.body,
            href: absolute(item.action_url, links.site),
          })),
        },
        locale,
        links,
      ),
    };
  }

  const [subject, intro] = phrases[template]?.[locale](d) ?? [d.title, undefined];
  const paragraphs = [intro, d.body].filter(
    (p): p is string => typeof p === "string" && p.length > 0 && p !== subject,
  );
  if (template === "invitation_received") {
    paragraphs.push(`${w.code}: ${d.code}`);
    return {
      subject,
      ...layout(
        {
          heading: subject,
          paragraphs,
          link: { label: w.accept, href: absolute(d.accept_path, links.site)! },
        },
        locale,
        links,
      ),
    };
  }
  const href = absolute(d.action_url, links.site);
  return {
    subject,
    ...layout(
      { heading: subject, paragraphs, link: href ? { label: w.open, href } : undefined },
      locale,
      links,
    ),
  };
}
