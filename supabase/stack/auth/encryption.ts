/**
 * GoTrue's column encryption (internal/crypto, `GOTRUE_SECURITY_DB_ENCRYPTION_*`), which the CLI
 * leaves off: with it, TOTP secrets are stored as
 * `{"key_id","alg":"aes-gcm-hkdf","data","nonce"}`, AES-256-GCM under a key derived with HKDF-SHA256
 * from the named key and the factor's id, so a value cannot be moved to another row. The same
 * variables switch it here, from the environment only; unset, secrets stay in plain text as the CLI's.
 */
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import { AuthError } from "./errors.ts";

export interface DbEncryption {
  encrypt: boolean;
  keyId: string;
  key: string;
  /** Key id → base64url key, for values written under earlier keys. */
  decryptionKeys: Record<string, string>;
}

const prefix = "GOTRUE_SECURITY_DB_ENCRYPTION_";

/** A 256-bit key as GoTrue takes it: base64url without padding. */
function keyBytes(key: string, what: string): Buffer {
  const bytes = /^[A-Za-z0-9_-]*$/.test(key) ? Buffer.from(key, "base64url") : Buffer.alloc(0);
  if (bytes.length !== 32) throw new Error(`conf: ${what} is not 256 bits`);
  return bytes;
}

/** envconfig's map syntax, `id1:key1,id2:key2`; checked as GoTrue's DatabaseEncryptionConfiguration.Validate. */
export function dbEncryptionFromEnv(env: NodeJS.ProcessEnv): DbEncryption {
  const decryptionKeys: Record<string, string> = {};
  for (const pair of (env[`${prefix}DECRYPTION_KEYS`] ?? "").split(",").filter(Boolean)) {
    const colon = pair.indexOf(":");
    if (colon < 0) throw new Error(`${prefix}DECRYPTION_KEYS: "${pair}" is not id:key`);
    decryptionKeys[pair.slice(0, colon)] = pair.slice(colon + 1);
  }
  const settings: DbEncryption = {
    encrypt: /^(true|1|t)$/i.test(env[`${prefix}ENCRYPT`] ?? ""),
    keyId: env[`${prefix}ENCRYPTION_KEY_ID`] ?? "",
    key: env[`${prefix}ENCRYPTION_KEY`] ?? "",
    decryptionKeys,
  };
  if (settings.encrypt) {
    if (!settings.keyId) throw new Error("conf: encryption key ID must be specified");
    keyBytes(settings.key, "encryption key");
    if (!decryptionKeys[settings.keyId])
      throw new Error("conf: encryption key must also be present in decryption keys");
  }
  for (const [id, key] of Object.entries(decryptionKeys))
    keyBytes(key, `decryption key with ID "${id}"`);
  return settings;
}

const derive = (key: string, id: string) =>
  Buffer.from(hkdfSync("sha256", keyBytes(key, "key"), Buffer.alloc(0), id, 32));

/** The value to store for `plain` in the row `id`: encrypted while encryption is on. */
export function sealed(settings: DbEncryption, id: string, plain: string): string {
  if (!settings.encrypt) return plain;
  const nonce = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", derive(settings.key, id), nonce);
  // Go's Seal appends the tag to the ciphertext; Go's JSON writes bytes as padded base64.
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final(), cipher.getAuthTag()]);
  return JSON.stringify({
    key_id: settings.keyId,
    alg: "aes-gcm-hkdf",
    data: data.toString("base64"),
    nonce: nonce.toString("base64"),
  });
}

/**
 * A stored value read back (GoTrue's Factor.GetSecret): what is not a valid encrypted string is plain
 * text. `reseal` when encryption is on and the value is plain or under another key, as GoTrue then
 * rewrites it after a successful verification.
 */
export function opened(
  settings: DbEncryption,
  id: string,
  stored: string,
): { plain: string; reseal: boolean } {
  let parsed: { key_id?: unknown; alg?: unknown; data?: unknown; nonce?: unknown } | undefined;
  try {
    parsed = stored.startsWith("{") ? (JSON.parse(stored) as typeof parsed) : undefined;
  } catch {
    parsed = undefined;
  }
  const { key_id: keyId, alg, data, nonce } = parsed ?? {};
  if (
    typeof keyId !== "string" ||
    !keyId ||
    alg !== "aes-gcm-hkdf" ||
    typeof data !== "string" ||
    typeof nonce !== "string" ||
    Buffer.from(nonce, "base64").length !== 12 ||
    Buffer.from(data, "base64").length === 0
  )
    return { plain: stored, reseal: settings.encrypt };
  const key = settings.decryptionKeys[keyId];
  if (!key)
    throw new AuthError(
      500,
      "unexpected_failure",
      `crypto: decryption key with name "${keyId}" does not exist`,
    );
  const bytes = Buffer.from(data, "base64");
  const decipher = createDecipheriv("aes-256-gcm", derive(key, id), Buffer.from(nonce, "base64"));
  decipher.setAuthTag(bytes.subarray(bytes.length - 16));
  const plain = Buffer.concat([
    decipher.update(bytes.subarray(0, bytes.length - 16)),
    decipher.final(),
  ]).toString("utf8");
  return { plain, reseal: settings.encrypt && keyId !== settings.keyId };
}
