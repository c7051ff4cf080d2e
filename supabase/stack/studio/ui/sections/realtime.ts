/**
 * The realtime inspector: joins a channel on the stack's realtime websocket as a chosen user (or
 * anon) with the access token the server mints, and shows postgres_changes, broadcast and presence
 * traffic as it arrives. It speaks Phoenix's V1 JSON protocol on a plain WebSocket, as realtime-js
 * does underneath, so every frame the server sends is shown as it is.
 */
import { api, errorBox, h, type SectionView } from "../studio.ts";

interface Connect {
  url: string;
  apikey: string;
  token: string;
  role: string;
  email?: string;
}

interface Frame {
  join_ref: string | null;
  ref: string | null;
  topic: string;
  event: string;
  payload: Record<string, unknown>;
}

/** Realtime closes a socket that sends no heartbeat for a minute; realtime-js sends one every 25 s. */
const heartbeatMs = 25_000;
const keptFrames = 500;

/** What a frame is about, for the log's filter and colour. */
function kindOf(frame: Frame): string {
  if (frame.event === "postgres_changes") return "postgres_changes";
  if (frame.event === "broadcast") return "broadcast";
  if (frame.event === "presence_state" || frame.event === "presence_diff") return "presence";
  if (frame.event === "system") return "system";
  return "reply";
}

export const realtimeView: SectionView = {
  render(root) {
    let socket: WebSocket | undefined;
    let heartbeat: ReturnType<typeof setInterval> | undefined;
    let topic = "";
    let ref = 0;
    const nextRef = () => String(++ref);

    const status = h("p", { id: "rt-status", "data-state": "closed" }, "Not connected.");
    const log = h("ol", { id: "rt-log", reversed: true });
    const setStatus = (state: string, text: string) => {
      status.dataset.state = state;
      status.textContent = text;
    };

    function show(direction: "in" | "out", frame: Frame): void {
      const kind = kindOf(frame);
      const detail =
        kind === "postgres_changes"
          ? (frame.payload.data ?? frame.payload)
          : kind === "broadcast"
            ? { event: frame.payload.event, payload: frame.payload.payload }
            : frame.payload;
      log.prepend(
        h(
          "li",
          { "data-kind": kind, "data-direction": direction, "data-event": frame.event },
          h(
            "code",
            {},
            `${direction === "in" ? "⇣" : "⇡"} ${new Date().toLocaleTimeString()} ${frame.event} `,
          ),
          h("span", {}, JSON.stringify(detail)),
        ),
      );
      while (log.childElementCount > keptFrames) log.lastElementChild!.remove();
    }

    function send(
      event: string,
      payload: Record<string, unknown>,
      joinRef: string | null = "1",
    ): void {
      if (!socket || socket.readyState !== WebSocket.OPEN) throw new Error("Join a channel first.");
      const frame: Frame = { join_ref: joinRef, ref: nextRef(), topic, event, payload };
      socket.send(JSON.stringify(frame));
      if (event !== "heartbeat") show("out", frame);
    }

    function leave(): void {
      clearInterval(heartbeat);
      socket?.close();
      socket = undefined;
      setStatus("closed", "Not connected.");
    }

    async function join(): Promise<void> {
      leave();
      const who = subject.value === "anon" ? { as: "anon" } : { as: "user", userId: subject.value };
      const connect = await api.post<Connect>("/realtime/token", who);
      topic = `realtime:${channel.value.trim()}`;
      // The join is ref "1" on each new socket; its later messages carry it as join_ref.
      ref = 0;
      const table = tableName.value.trim();
      const config = {
        broadcast: { self: true, ack: true },
        presence: { enabled: true, key: presenceKey.value.trim() || undefined },
        postgres_changes: schema.value.trim()
          ? [
              {
                event: changeEvent.value,
                schema: schema.value.trim(),
                ...(table ? { table } : {}),
                ...(changeFilter.value.trim() ? { filter: changeFilter.value.trim() } : {}),
              },
            ]
          : [],
        private: isPrivate.checked,
      };
      const url = `${connect.url}?apikey=${encodeURIComponent(connect.apikey)}&vsn=1.0.0`;
      const ws = new WebSocket(url);
      socket = ws;
      setStatus("connecting", `Connecting as ${connect.email ?? connect.role}…`);
      ws.onopen = () => {
        send("phx_join", { config, access_token: connect.token });
        heartbeat = setInterval(
          () =>
            ws.send(
              JSON.stringify({
                join_ref: null,
                ref: nextRef(),
                topic: "phoenix",
                event: "heartbeat",
                payload: {},
              }),
            ),
          heartbeatMs,
        );
      };
      ws.onmessage = (message) => {
        const frame = JSON.parse(String(message.data)) as Frame;
        if (frame.topic === "phoenix") return;
        if (frame.event === "phx_reply" && frame.ref === "1") {
          const ok = (frame.payload.status as string) === "ok";
          setStatus(
            ok ? "joined" : "refused",
            ok
              ? `Joined ${topic} as ${connect.email ?? connect.role}.`
              : `Refused: ${JSON.stringify(frame.payload.response)}`,
          );
        }
        if (frame.event === "phx_close" || frame.event === "phx_error")
          setStatus("closed", `Channel ${frame.event}.`);
        show("in", frame);
      };
      ws.onclose = () => {
        clearInterval(heartbeat);
        if (socket === ws) setStatus("closed", "Disconnected.");
      };
    }

    const subject = h("select", { id: "rt-as" }, h("option", { value: "anon" }, "anon"));
    const userSearch = h("input", {
      id: "rt-user-search",
      type: "search",
      placeholder: "find a user by email",
    });
    const channel = h("input", { id: "rt-channel", value: "room:lobby", required: true });
    const isPrivate = h("input", { id: "rt-private", type: "checkbox" });
    const schema = h("input", {
      id: "rt-schema",
      value: "public",
      size: 8,
      title: "postgres_changes schema (empty: none)",
    });
    const tableName = h("input", { id: "rt-table", placeholder: "all tables", size: 12 });
    const changeEvent = h(
      "select",
      { id: "rt-event" },
      ["*", "INSERT", "UPDATE", "DELETE"].map((event) => h("option", { value: event }, event)),
    );
    const changeFilter = h("input", {
      id: "rt-filter",
      placeholder: "filter, e.g. id=eq.1",
      size: 16,
    });
    const presenceKey = h("input", {
      id: "rt-presence-key",
      placeholder: "presence key",
      size: 10,
    });
    const broadcastEvent = h("input", { id: "rt-broadcast-event", value: "message", size: 10 });
    const broadcastPayload = h("input", {
      id: "rt-broadcast-payload",
      value: '{"text":"hello"}',
      size: 30,
    });
    const presencePayload = h("input", {
      id: "rt-presence-payload",
      value: '{"status":"online"}',
      size: 30,
    });
    const message = h("div", { id: "rt-message", role: "status" });
    const attempt = (work: () => void | Promise<void>) => async () => {
      message.replaceChildren();
      try {
        await work();
      } catch (error) {
        message.replaceChildren(errorBox(error));
      }
    };
    const parseJson = (field: HTMLInputElement) => {
      try {
        return JSON.parse(field.value) as Record<string, unknown>;
      } catch {
        throw new Error(`${field.value} is not JSON`);
      }
    };

    async function findUsers(): Promise<void> {
      const users = await api.get<{ id: string; email: string | null; name: string | null }[]>(
        `/realtime/users?q=${encodeURIComponent(userSearch.value.trim())}`,
      );
      subject.replaceChildren(
        h("option", { value: "anon" }, "anon"),
        ...users.map((user) => h("option", { value: user.id }, user.email ?? user.name ?? user.id)),
      );
      if (users.length > 0) subject.value = users[0]!.id;
    }

    const submit = (work: () => Promise<void> | void) => (event: Event) => {
      event.preventDefault();
      void attempt(work)();
    };
    root.append(
      h(
        "form",
        { class: "toolbar", id: "rt-find", onsubmit: submit(findUsers) },
        "Join as ",
        subject,
        userSearch,
        h("button", { type: "submit" }, "Find"),
      ),
      h(
        "form",
        { class: "toolbar", id: "rt-join", onsubmit: submit(join) },
        h("label", {}, "channel ", channel),
        h("label", {}, isPrivate, " private"),
        h("label", {}, "postgres_changes on ", schema, ".", tableName),
        changeEvent,
        changeFilter,
        presenceKey,
        h("button", { type: "submit" }, "Join"),
        h("button", { type: "button", id: "rt-leave", onclick: leave }, "Leave"),
      ),
      status,
      h(
        "form",
        {
          class: "toolbar",
          id: "rt-broadcast",
          onsubmit: submit(() =>
            send("broadcast", {
              type: "broadcast",
              event: broadcastEvent.value,
              payload: parseJson(broadcastPayload),
            }),
          ),
        },
        "Broadcast ",
        broadcastEvent,
        broadcastPayload,
        h("button", { type: "submit" }, "Send"),
      ),
      h(
        "form",
        {
          class: "toolbar",
          id: "rt-presence",
          onsubmit: submit(() =>
            send("presence", {
              type: "presence",
              event: "track",
              payload: parseJson(presencePayload),
            }),
          ),
        },
        "Presence ",
        presencePayload,
        h("button", { type: "submit" }, "Track"),
      ),
      message,
      h("button", { type: "button", onclick: () => log.replaceChildren() }, "Clear"),
      log,
    );
    return leave;
  },
};
