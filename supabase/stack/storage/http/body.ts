import type { IncomingMessage } from "node:http";
import type { z } from "zod";
import { BodyTooLargeError, readBody } from "../../http/body.ts";
import { errors } from "../errors.ts";

/** Fastify's default body limit, which storage-api keeps for JSON. */
const maxJsonBytes = 1024 * 1024;

/** A JSON body, validated; an empty body is `{}` (storage-js sends none on some DELETEs). */
export async function jsonBody<T extends z.ZodType>(
  req: IncomingMessage,
  schema: T,
): Promise<z.infer<T>> {
  let text: string;
  try {
    text = (await readBody(req, maxJsonBytes)).toString("utf8");
  } catch (error) {
    if (error instanceof BodyTooLargeError) throw errors.entityTooLarge();
    throw error;
  }
  let value: unknown = {};
  if (text.trim()) {
    try {
      value = JSON.parse(text);
    } catch {
      throw errors.invalidRequest(
        `Body is not valid JSON but content-type is set to '${req.headers["content-type"] ?? ""}'`,
      );
    }
  }
  const result = schema.safeParse(value);
  if (!result.success) throw errors.invalidRequest(validationMessage(result.error.issues[0]!));
  return result.data;
}

/** An issue in Fastify's (ajv's) wording, which storage-api returns as the message. */
function validationMessage(issue: z.core.$ZodIssue): string {
  const path = issue.path.map(String);
  if (issue.code === "invalid_type" && issue.input === undefined) {
    return `body${path
      .slice(0, -1)
      .map((part) => `/${part}`)
      .join("")} must have required property '${path[path.length - 1]}'`;
  }
  return `body${path.map((part) => `/${part}`).join("")} ${issue.message}`;
}
