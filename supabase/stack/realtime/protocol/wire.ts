import * as ws from "ws";

/** What ws offers beyond its typings: the framing its own sender uses, exported as `Sender`. */
const { Sender } = ws as unknown as {
  Sender: {
    frame(
      data: Buffer,
      options: { fin: boolean; rsv1: boolean; opcode: number; mask: boolean; readOnly: boolean },
    ): Buffer[];
  };
};

/**
 * A text message as a whole server frame (servers send frames unmasked, so the bytes are the same
 * for every socket): a change sent to hundreds of subscribers is framed once and the same buffer is
 * written to each (sendWireFrames), not copied and framed again per socket.
 */
export function wireTextFrame(text: string): Buffer {
  return Buffer.concat(
    Sender.frame(Buffer.from(text), {
      fin: true,
      rsv1: false,
      opcode: 1,
      mask: false,
      readOnly: true,
    }),
  );
}
