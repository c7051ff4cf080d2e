import { randomUUID } from "node:crypto";

export interface Address {
  Name: string;
  Address: string;
}

/** One captured email, with Mailpit's field names so its API shape carries over. */
export interface Message {
  ID: string;
  MessageID: string;
  From: Address;
  To: Address[];
  Subject: string;
  Created: string;
  Text: string;
  HTML: string;
  Read: boolean;
  /** Mailpit's reading of a List-Unsubscribe header, for messages that carry one. */
  ListUnsubscribe?: { Header: string; Links: string[]; Errors: string; HeaderPost: string };
}

/** What a sender supplies; the inbox adds the id, the arrival time and the read flag. */
export type IncomingMessage = Omit<Message, "ID" | "Created" | "Read">;

export interface OutgoingMail {
  to: string;
  subject: string;
  html: string;
  text: string;
}

/** The address auth emails come from locally, as the Supabase CLI's config template names it. */
const sender: Address = { Name: "Admin", Address: "admin@email.com" };

/** Keeps memory bounded on a stack that runs for days; the oldest messages go first. */
const capacity = 1000;

/**
 * Every email the stack sends lands here instead of being delivered, newest first, until the stack
 * stops, like the Supabase CLI's Mailpit.
 */
export class Inbox {
  private messages: Message[] = [];

  /** An auth email from the stack itself. */
  send(mail: OutgoingMail): Message {
    return this.store({
      MessageID: `${randomUUID()}@pitlane.local`,
      From: sender,
      To: [{ Name: "", Address: mail.to }],
      Subject: mail.subject,
      Text: mail.text,
      HTML: mail.html,
    });
  }

  /** A message as it arrived (over SMTP, from an edge function or any mail client). */
  store(incoming: IncomingMessage): Message {
    const message: Message = {
      ...incoming,
      ID: randomUUID(),
      Created: new Date().toISOString(),
      Read: false,
    };
    this.messages.unshift(message);
    this.messages.length = Math.min(this.messages.length, capacity);
    return message;
  }

  list(): Message[] {
    return [...this.messages];
  }

  /** `latest` is Mailpit's name for the newest message. */
  get(id: string): Message | undefined {
    return id === "latest" ? this.messages[0] : this.messages.find((message) => message.ID === id);
  }

  /**
   * Mailpit's search syntax, the parts a test needs: `to:`, `from:` and `subject:` terms and free
   * words, all of which must match (case-insensitive; quotes group words).
   */
  search(query: string): Message[] {
    const terms = [...query.matchAll(/(?:(to|from|subject):)?(?:"([^"]*)"|(\S+))/gi)].map(
      (match) => ({
        field: match[1]?.toLowerCase(),
        value: (match[2] ?? match[3] ?? "").toLowerCase(),
      }),
    );
    return this.messages.filter((message) =>
      terms.every(({ field, value }) => {
        const to = message.To.map((address) => address.Address.toLowerCase()).join(" ");
        if (field === "to") return to.includes(value);
        if (field === "from") return message.From.Address.toLowerCase().includes(value);
        if (field === "subject") return message.Subject.toLowerCase().includes(value);
        return [to, message.Subject, message.Text].some((text) =>
          text.toLowerCase().includes(value),
        );
      }),
    );
  }

  delete(ids?: string[]): void {
    this.messages = ids ? this.messages.filter((message) => !ids.includes(message.ID)) : [];
  }
}
