import { jwtVerify, SignJWT } from "jose";
import { errors } from "./errors.ts";

/**
 * Signed URL tokens as storage-api makes them: HS256 JWTs with the project's JWT secret, bound
 * to one `bucket/name` and one action, so a download token cannot be replayed as an upload.
 */
export interface DownloadToken {
  url: string;
  exp: number;
  /** An image transformation the URL carries (`resize:…,width:…`), for /render/image/sign. */
  transformations?: string;
}

export interface UploadToken {
  url: string;
  exp: number;
  owner: string | undefined;
  upsert: boolean;
}

type Scope = "download" | "upload";

export class UrlSigner {
  private readonly key: Uint8Array;

  constructor(jwtSecret: string) {
    this.key = new TextEncoder().encode(jwtSecret);
  }

  private sign(claims: Record<string, unknown>, expiresIn: number): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256", typ: "JWT" })
      .setIssuedAt()
      .setExpirationTime(Math.floor(Date.now() / 1000) + expiresIn)
      .sign(this.key);
  }

  signDownload(url: string, expiresIn: number, transformations?: string): Promise<string> {
    return this.sign(
      { ...(transformations && { transformations }), url, scope: "download" },
      expiresIn,
    );
  }

  signUpload(
    url: string,
    expiresIn: number,
    owner: string | undefined,
    upsert: boolean,
  ): Promise<string> {
    return this.sign({ owner, url, upsert, scope: "upload" }, expiresIn);
  }

  async verifyDownload(token: string, url: string): Promise<DownloadToken> {
    const payload = await this.verify(token, url, "download");
    return {
      url,
      exp: payload.exp,
      ...(typeof payload.transformations === "string" && {
        transformations: payload.transformations,
      }),
    };
  }

  async verifyUpload(token: string, url: string): Promise<UploadToken> {
    const payload = await this.verify(token, url, "upload");
    return {
      url,
      exp: payload.exp,
      owner: typeof payload.owner === "string" ? payload.owner : undefined,
      upsert: payload.upsert === true,
    };
  }

  /** Signature, scope, path, then expiry, in storage-api's order and with its errors. */
  private async verify(
    token: string,
    url: string,
    scope: Scope,
  ): Promise<Record<string, unknown> & { exp: number }> {
    let payload: Record<string, unknown>;
    try {
      // Expiry is checked below so an expired token gets storage-api's ExpiredToken error.
      payload = (
        await jwtVerify(token, this.key, { algorithms: ["HS256"], currentDate: new Date(0) })
      ).payload;
    } catch (error) {
      throw errors.invalidJwt((error as Error).message);
    }
    if (payload.scope !== scope) throw errors.invalidSignature(`Token is not scoped for ${scope}`);
    if (payload.url !== url) throw errors.invalidSignature();
    if (typeof payload.exp !== "number" || payload.exp * 1000 < Date.now())
      throw errors.expiredSignature();
    return { ...payload, exp: payload.exp };
  }
}
