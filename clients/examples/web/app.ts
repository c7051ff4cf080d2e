// The example web app: sign in (password, a magic link, Google), search events, register
// (watching a waitlist place move), pay with Stripe and watch the invoice turn paid, earn,
// download and verify a certificate, a notifications inbox and bell that update live, and a
// support chat with typing indicators. Served by server.ts, which bundles this file.
import { createPitlaneClient, PitlaneError, type PitlaneClient } from "@pitlane/sdk";

const config = (await (await fetch("/config.json")).json()) as { url: string; anonKey: string };
const pitlane: PitlaneClient = createPitlaneClient(config.url, config.anonKey);
const $ = <T extends HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

function say(text: string, error = false) {
  $("#message").textContent = text;
  $("#message").className = error ? "error" : "";
}

async function showEvents(search?: string) {
  const list = $("#events");
  list.replaceChildren();
  for (const event of await pitlane.events.list({ search })) {
    const item = document.createElement("li");
    item.dataset.eventId = event.id;
    const button = document.createElement("button");
    button.textContent = "Register";
    button.addEventListener("click", () => void register(event.id, item));
    item.append(`${event.title} — ${new Date(event.starts_at).toLocaleString()} `, button);
    list.append(item);
  }
}

async function register(eventId: string, item: HTMLElement) {
  try {
    const registration = await pitlane.events.register(eventId);
    item.dataset.status = registration.status;
    void showRegistrations();
    say(`Registered: ${registration.status.replace("_", " ")}`);
    // A waitlisted registration's place moves live, and it turns "offered" when a seat frees up.
    pitlane.live.registration(registration.id, (changed) => {
      item.dataset.status = changed.status;
      say(`Your registration is now ${changed.status}`);
    });
    if (registration.status === "waitlisted")
      pitlane.live.waitlistPosition(registration, (place) => {
        item.dataset.place = String(place ?? "");
        if (place !== null) say(`You are number ${place} on the waiting list`);
      });
  } catch (error) {
    say(error instanceof PitlaneError ? error.message : String(error), true);
  }
}

/** The newest support thread, live: messages, and the other side's typing. */
async function showChat() {
  const [thread] = await pitlane.chat.threads();
  if (!thread) return;
  const { data } = await pitlane.auth.getUser();
  const shown = new Set<string>();
  const add = (message: { id: string; body: string }) => {
    if (shown.has(message.id)) return;
    shown.add(message.id);
    const line = document.createElement("li");
    line.textContent = message.body;
    $("#chat-log").append(line);
    $("#typing").hidden = true;
  };
  let quiet: ReturnType<typeof setTimeout> | undefined;
  const room = pitlane.live.chatThread(thread.id, data.user!.id, {
    onMessage: add,
    onTyping: () => {
      $("#typing").hidden = false;
      clearTimeout(quiet);
      quiet = setTimeout(() => ($("#typing").hidden = true), 3000);
    },
  });
  room.onStatus((live) => ($("#chat").dataset.live = String(live)));
  $("#chat-subject").textContent = thread.subject;
  for (const message of await pitlane.chat.messages(thread.id)) add(message);
  $("#chat").hidden = false;
  const input = $<HTMLInputElement>("#chat-form input");
  input.addEventListener("input", () => void room.typing().catch(() => undefined));
  $("#chat-form").addEventListener("submit", (submit) => {
    submit.preventDefault();
    void pitlane.chat.send(thread.id, input.value).then(add);
    input.value = "";
  });
}

/** One's registrations: pay for a pending one, earn the certificate of an attended one. */
async function showRegistrations() {
  const list = $("#registrations");
  const rows = await pitlane.events.myRegistrations();
  list.replaceChildren();
  for (const registration of rows) {
    const item = document.createElement("li");
    item.dataset.registrationId = registration.id;
    item.dataset.status = registration.status;
    item.append(
      `${registration.event?.title ?? "An event"}: ${registration.status.replace("_", " ")} `,
    );
    const action = (label: string, run: () => Promise<void>) => {
      const button = document.createElement("button");
      button.textContent = label;
      button.addEventListener("click", () => void run().catch(fail));
      item.append(button);
    };
    if (registration.status === "pending_payment") action("Pay", () => pay(registration.id));
    if (registration.status === "confirmed" && registration.attended_at)
      action("Get certificate", async () => {
        const { certificate } = await pitlane.certificates.issue({
          registration_id: registration.id,
        });
        say(`Certificate ${certificate.certificate_number} issued`);
        await showCertificates();
      });
    list.append(item);
  }
}

function fail(error: unknown) {
  say(error instanceof PitlaneError ? error.message : String(error), true);
}

/** Stripe Checkout for a pending registration; Stripe sends the payer back to `?invoice=<id>`. */
async function pay(registrationId: string) {
  const invoice = await pitlane.payments.checkoutRegistration(registrationId);
  const back = `${location.origin}/?invoice=${invoice.id}`;
  const checkout = await pitlane.payments.checkout({
    invoice_id: invoice.id,
    provider: "stripe",
    success_url: back,
    cancel_url: back,
  });
  location.assign(checkout.checkout_url!);
}

/** Back from the provider: the invoice's status as the provider's webhook changes it. */
function showPayment(invoiceId: string) {
  const section = $("#payment");
  section.hidden = false;
  const watch = pitlane.live.invoice(invoiceId, (invoice) => {
    section.dataset.status = invoice.status;
    $("#payment-status").textContent = `Invoice ${invoice.number}: ${invoice.status}`;
    if (invoice.status === "paid") void showRegistrations();
  });
  watch.onStatus((live) => (section.dataset.live = String(live)));
}

async function showCertificates() {
  const list = $("#certificates");
  list.replaceChildren();
  for (const certificate of await pitlane.certificates.mine()) {
    const item = document.createElement("li");
    item.dataset.certificateId = certificate.id;
    item.dataset.code = certificate.verification_code;
    const download = document.createElement("button");
    download.textContent = "Download PDF";
    const link = document.createElement("a");
    link.textContent = "PDF";
    link.hidden = true;
    download.addEventListener(
      "click",
      () =>
        void pitlane.certificates.pdf(certificate.id).then(({ pdf }) => {
          link.href = pdf.signed_url;
          link.hidden = false;
        }, fail),
    );
    item.append(
      `${certificate.title} (${certificate.certificate_number}, code ${certificate.verification_code}) `,
      download,
      " ",
      link,
    );
    list.append(item);
  }
}

/** The notifications inbox: newest first, each unread one with a "Mark read" button. */
async function showInbox() {
  const list = $("#inbox-list");
  list.replaceChildren();
  for (const notification of await pitlane.notifications.list(20))
    list.append(inboxItem(notification));
}

function inboxItem(notification: { id: string; title: string; read_at: string | null }) {
  const item = document.createElement("li");
  item.dataset.notificationId = notification.id;
  item.dataset.read = String(notification.read_at !== null);
  item.append(`${notification.title} `);
  if (notification.read_at === null) {
    const button = document.createElement("button");
    button.textContent = "Mark read";
    button.addEventListener(
      "click",
      () =>
        void pitlane.notifications.markRead([notification.id]).then(() => {
          item.dataset.read = "true";
          button.remove();
          return unread();
        }, fail),
    );
    item.append(button);
  }
  return item;
}

const unread = async () =>
  ($("#unread").textContent = String(
    (await pitlane.notifications.unreadCounts()).reduce((sum, row) => sum + row.unread, 0),
  ));

async function signedIn() {
  const me = await pitlane.people.me();
  $("#who").textContent = `Signed in as ${me.display_name}`;
  for (const form of ["#sign-in", "#magic-link", "#google"]) $(form).hidden = true;
  $("#search").hidden = false;
  $("#inbox").hidden = false;
  await Promise.all([unread(), showInbox()]);
  const bell = pitlane.live.notifications((notification) => {
    $("#inbox-list").prepend(inboxItem(notification));
    void unread();
  });
  bell.onStatus((live) => ($("#bell").dataset.live = String(live)));
  const invoiceId = new URLSearchParams(location.search).get("invoice");
  if (invoiceId) showPayment(invoiceId);
  await Promise.all([showEvents(), showChat(), showRegistrations(), showCertificates()]);
}

$("#sign-in").addEventListener("submit", (submit) => {
  submit.preventDefault();
  const form = new FormData(submit.target as HTMLFormElement);
  void pitlane.auth
    .signInWithPassword({
      email: String(form.get("email")),
      password: String(form.get("password")),
    })
    .then(({ error }) => (error ? say(error.message, true) : signedIn()));
});

$("#magic-link").addEventListener("submit", (submit) => {
  submit.preventDefault();
  const email = String(new FormData(submit.target as HTMLFormElement).get("email"));
  // The link signs in on this page: supabase-js reads the session from the URL it lands on.
  void pitlane.auth
    .signInWithOtp({ email, options: { emailRedirectTo: `${location.origin}/` } })
    .then(({ error }) => (error ? say(error.message, true) : say(`Check ${email} for a link`)));
});

$("#google").addEventListener("click", () => {
  void pitlane.auth
    .signInWithOAuth({ provider: "google", options: { redirectTo: `${location.origin}/` } })
    .then(({ error }) => error && say(error.message, true));
});

$("#mark-all-read").addEventListener("click", () => {
  void pitlane.notifications.markRead().then(() => Promise.all([unread(), showInbox()]), fail);
});

$("#verify").addEventListener("submit", (submit) => {
  submit.preventDefault();
  const code = String(new FormData(submit.target as HTMLFormElement).get("code")).trim();
  void pitlane.certificates.verify(code).then(([found]) => {
    $("#verification").textContent = found
      ? `${found.status}: ${found.title}, held by ${found.holder_name}, issued by ${found.issuer_name}`
      : "No such certificate";
  }, fail);
});

$("#search").addEventListener("submit", (submit) => {
  submit.preventDefault();
  void showEvents(String(new FormData(submit.target as HTMLFormElement).get("q")));
});

// Back from a magic link or Google (the session is in the URL), or a session kept from before.
const { data: start } = await pitlane.auth.getSession();
if (start.session) await signedIn();
