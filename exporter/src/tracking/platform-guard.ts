import type { NextFunction, Request, RequestHandler, Response } from 'express';
import jwt from 'jsonwebtoken';
import { sendError } from '../http/errors.js';

export interface RefuseMonitoringRoleOptions {
  /** PEM public key(s) of the KeWhats token signer: the current one, and a previous one during a rotation */
  publicKeys: string[] | string;
  issuer?: string;
  audience?: string;
}

const MONITORING_ROLE = 'monitoring';

function bearerToken(req: Request): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** The token's `role` claim if it verifies (RS256 only, iss/aud when configured), else undefined. */
function verifiedRole(token: string, publicKeys: readonly string[], issuer?: string, audience?: string): unknown {
  for (const publicKey of publicKeys) {
    try {
      const payload = jwt.verify(token, publicKey, {
        algorithms: ['RS256'],
        ...(issuer ? { issuer } : {}),
        ...(audience ? { audience } : {}),
      });
      return typeof payload === 'object' ? payload.role : undefined;
    } catch {
      // not signed by this key (or expired, or not a JWT at all): try the next key
    }
  }
  return undefined;
}

/**
 * Express middleware for the platform's WhatsApp routes (devices, messages, broadcasts …):
 * the monitoring role may read the monitoring aggregates and nothing else, so a request whose
 * bearer token verifies and says `role: monitoring` gets a 403 in the API's error shape.
 *
 * Every other request passes through untouched: role user and admin tokens, requests without a
 * token, and tokens this guard cannot verify (expired, another signer, not a JWT). Deciding
 * about those is the platform's own authentication, which runs before or after this guard; the
 * guard only ever takes access away, it never grants it. Only the `role` claim is read, so a
 * platform token with its own claim set is recognised as long as it carries `role`.
 *
 * @example app.use('/devices', refuseMonitoringRole({ publicKeys: process.env.JWT_PUBLIC_KEY! }), devicesRouter)
 */
export function refuseMonitoringRole(options: RefuseMonitoringRoleOptions): RequestHandler {
  const publicKeys = (Array.isArray(options.publicKeys) ? options.publicKeys : [options.publicKeys]).filter((key) => key.trim() !== '');
  if (publicKeys.length === 0) throw new Error('refuseMonitoringRole: publicKeys must name at least one PEM public key');
  return (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    if (token !== undefined && verifiedRole(token, publicKeys, options.issuer, options.audience) === MONITORING_ROLE) {
      sendError(res, 403, 'forbidden', 'the monitoring role may not use the WhatsApp features');
      return;
    }
    next();
  };
}
