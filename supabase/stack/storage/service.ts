import path from "node:path";
import { parseSize } from "../config/project-config.ts";
import type { Service, ServiceDeps } from "../http/service.ts";
import { callerOf } from "./caller.ts";
import type { StorageContext } from "./context.ts";
import { StorageDb, type Caller } from "./db.ts";
import { Disk } from "./disk.ts";
import { errors, sendStorageError } from "./errors.ts";
import { matchRoute } from "./http/router.ts";
import { storageRoutes } from "./http/routes.ts";
import { UrlSigner } from "./signed-urls.ts";

/** Signed and public URLs act as the storage admin; nothing about the caller is known or needed. */
const noCaller: Caller = { role: "anon", claims: {}, owner: undefined, isAuthenticated: false };

/** Supabase Storage's API at /storage/v1: object rows in storage.objects, bytes under `<data>/storage`. */
export function createStorageService(deps: ServiceDeps): Service {
  const db = new StorageDb(deps.dbUrl, deps.log);
  const disk = new Disk(
    path.join(deps.options.data, "storage"),
    path.join(deps.options.data, "storage-uploads"),
  );
  disk.discardCutOffUploads();
  const ctx: StorageContext = {
    db,
    disk,
    signer: new UrlSigner(deps.keys.jwtSecret),
    fileSizeLimit: parseSize(deps.config.storage.file_size_limit),
    imageTransformation: deps.config.storage.image_transformation.enabled,
    resumableDir: path.join(deps.options.data, "storage-resumable"),
    resumableExpiryMs: Number(process.env.TUS_URL_EXPIRY_MS || 60 * 60 * 1000),
  };
  const routes = storageRoutes(ctx);

  return {
    prefix: "/storage/v1",
    apikeyAsBearer: true,
    async handle(req, res, gatewayCtx) {
      const method = req.method ?? "GET";
      try {
        const match = matchRoute(routes, method, gatewayCtx.path);
        if (!match) throw errors.routeNotFound(method, gatewayCtx.path + gatewayCtx.url.search);
        const { route, params } = match;
        const caller =
          route.auth === "none"
            ? noCaller
            : await callerOf(req, deps.keys, {
                allowAnonymous: route.auth === "optional",
              });
        if (route.auth !== "none") gatewayCtx.role = caller.role;
        const scope = {
          caller,
          headers: req.headers,
          method,
          path: gatewayCtx.path,
          operation: route.operation,
        };
        await route.handle({ req, res, url: gatewayCtx.url, params, scope });
      } catch (error) {
        sendStorageError(res, error, deps.log);
      }
    },
    close: async () => {
      await Promise.all([db.close(), disk.close()]);
    },
  };
}
