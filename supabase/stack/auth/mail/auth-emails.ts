import type { OutgoingMail } from "./inbox.ts";

/** The emails Supabase Auth sends, by the `type` their link verifies. */
export type EmailKind =
  "signup" | "invite" | "recovery" | "magiclink" | "email_change" | "reauthentication";

export interface EmailContent {
  to: string;
  /** The /verify link; reauthentication emails carry only the code. */
  confirmationUrl?: string;
  /** The code a person can type instead of following the link. */
  otp: string;
  newEmail?: string;
}

/** GoTrue's default subjects and wording; the code is added to every link email so either way works. */
const templates: Record<
  EmailKind,
  { subject: string; heading: string; text: string; action: string }
> = {
  signup: {
    subject: "Confirm your email address",
    heading: "Confirm your email address",
    text: "Follow the link below to confirm this email address and finish signing up.",
    action: "Confirm email address",
  },
  invite: {
    subject: "You've been invited",
    heading: "You've been invited",
    text: "You've been invited to create an account. Follow the link below to accept.",
    action: "Accept invitation",
  },
  recovery: {
    subject: "Reset your password",
    heading: "Reset your password",
    text: "We received a request to reset your password. Follow the link below to choose a new one.",
    action: "Reset password",
  },
  magiclink: {
    subject: "Your sign-in link",
    heading: "Your sign-in link",
    text: "Follow the link below to sign in. This link expires shortly and can only be used once.",
    action: "Sign in",
  },
  email_change: {
    subject: "Confirm your new email address",
    heading: "Confirm your new email address",
    text: "Follow the link below to confirm {new_email} as your new email address.",
    action: "Confirm new email address",
  },
  reauthentication: {
    subject: "{code} is your verification code",
    heading: "Your verification code",
    text: "Use the code below to verify your identity. It expires shortly.",
    action: "",
  },
};

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (char) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[char]!,
  );

export function authEmail(kind: EmailKind, content: EmailContent): OutgoingMail {
  const template = templates[kind];
  const fill = (text: string) =>
    text.replace("{new_email}", content.newEmail ?? "").replace("{code}", content.otp);
  const lines = [fill(template.text)];
  const html = [
    `<h2>${escapeHtml(template.heading)}</h2>`,
    `<p>${escapeHtml(fill(template.text))}</p>`,
  ];
  if (content.confirmationUrl) {
    html.push(
      `<p><a href="${escapeHtml(content.confirmationUrl)}">${escapeHtml(template.action)}</a></p>`,
    );
    html.push(`<p>Alternatively, enter the code: ${content.otp}</p>`);
    lines.push(
      `${template.action}: ${content.confirmationUrl}`,
      `Alternatively, enter the code: ${content.otp}`,
    );
  } else {
    html.push(`<p>${content.otp}</p>`);
    lines.push(content.otp);
  }
  return {
    to: content.to,
    subject: fill(template.subject),
    html: html.join("\n"),
    text: lines.join("\n\n"),
  };
}
