// The example web app: sign in, search events, register (watching a waitlist place move), a
// notifications bell that updates live, and a support chat with typing indicators. Served by
// server.ts, which bundles this file.
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

async function signedIn() {
  const me = await pitlane.people.me();
  $("#who").textContent = `Signed in as ${me.display_name}`;
  $("#sign-in").hidden = true;
  $("#search").hidden = false;
  const unread = async () =>
    ($("#unread").textContent = String(
      (await pitlane.notifications.unreadCounts()).reduce((sum, row) => sum + row.unread, 0),
    ));
  await unread();
  const bell = pitlane.live.notifications(() => void unread());
  bell.onStatus((live) => ($("#bell").dataset.live = String(live)));
  await Promise.all([showEvents(), showChat()]);
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

$("#search").addEventListener("submit", (submit) => {
  submit.preventDefault();
  void showEvents(String(new FormData(submit.target as HTMLFormElement).get("q")));
});
