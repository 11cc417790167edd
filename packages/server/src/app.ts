import { OpenAPIHono } from '@hono/zod-openapi';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { riskAdminRoutes } from './admin/risk-routes.js';
import { adminRoutes } from './admin/routes.js';
import { webhookAdminRoutes } from './admin/webhook-routes.js';
import { assistantRoutes } from './assistant/routes.js';
import { createUserTokenVerifier } from './auth/user-token.js';
import { isAllowedOrigin } from './card-frame/csp.js';
import type { SettleOptions } from './config.js';
import { limitsWith } from './countries.js';
import { createVault } from './crypto/vault.js';
import { devRoutes } from './dev/routes.js';
import { cardFrameRoutes } from './enrollment/frame-routes.js';
import { cardTokenRoutes, enrollmentRoutes } from './enrollment/routes.js';
import { revocationCheck, secureRoutes } from './enrollment/secure-routes.js';
import { createEventHub } from './events/hub.js';
import { eventRoutes } from './events/routes.js';
import { requireUser } from './http/auth.js';
import { limitBody } from './http/body-limit.js';
import { clientAddress } from './http/client-address.js';
import { apiCors } from './http/cors.js';
import { ApiError, type ErrorBody, unavailable } from './http/errors.js';
import { refuseAmbiguousJson } from './http/json-body.js';
import { maskCardNumbers, maskClientKey } from './http/mask.js';
import { accessLog } from './http/middleware.js';
import { findNul } from './http/nul.js';
import { requirePlatform } from './http/platform.js';
import { rateLimit } from './http/rate-limit.js';
import { refusedOriginLog } from './http/refused-origins.js';
import { sandboxProcessor } from './processor/sandbox.js';
import { requestRoutes } from './requests/routes.js';
import { defaultRisk } from './risk/rules.js';
import type { Services } from './services.js';
import { devOutbox } from './sms.js';
import { StoreUnavailableError } from './store/store.js';
import { EXEMPTION } from './transfers/create.js';
import { runJobsOnce, startJobs } from './transfers/jobs.js';
import { transferRoutes } from './transfers/routes.js';

const MAX_BODY_BYTES = 16 * 1024;
/** PIN checks and changes per user and minute, all routes together (each is a slow hash). */
export const PIN_ATTEMPTS_PER_MINUTE = 20;
/**
 * Card tokens per client address and minute, by default: a person retyping a card a few
 * times, or a few people behind one NAT, stay well under it; card testing does not.
 */
export const CARD_TOKENS_PER_MINUTE = 20;

/**
 * Creates the Settle HTTP app on a migrated store. Tests call `app.fetch` or
 * `app.request`; the `settle serve` command serves it.
 *
 * @example
 * const app = createApp({ store, platform: { id: 'chat.example', jwks, secretKeys: [] }, ... });
 * const res = await app.request('/v1/account', { headers: { Authorization: `Bearer ${token}` } });
 */
export type SettleApp = OpenAPIHono & {
  /**
   * Prepares a graceful stop (`settle serve` on SIGTERM): live event streams end (clients
   * resume elsewhere), `/healthz` answers 503, and every connection closes after its answer.
   * Requests already received are still answered.
   */
  drain(): void;
  /**
   * Background work: recovery after a restart, retries, payouts, 7-day expiry. `runOnce`
   * looks for waiting transfers whose recipient can be paid unless `sweepAwaiting` is false
   * (`start` does so once a minute).
   */
  jobs: {
    runOnce(options?: { recovering?: boolean; sweepAwaiting?: boolean }): Promise<void>;
    start(intervalMs?: number): { stop(): Promise<void> };
  };
};

export function createApp(options: SettleOptions): SettleApp {
  const now = options.now ?? Date.now;
  const log = options.log ?? (() => undefined);
  const services: Services = {
    store: options.store,
    vault: createVault(options.vault),
    processor:
      options.processor ??
      sandboxProcessor({ store: options.store, latencyMs: options.sandboxLatencyMs ?? 0, now }),
    sms: options.sms ?? devOutbox(options.store, now),
    events: createEventHub(options.store),
    hashSecret: options.hashSecret,
    now,
    log,
    risk: { ...defaultRisk, ...options.risk },
    limits: limitsWith(options.limits),
    scaExemption: { ...EXEMPTION, ...options.scaExemption },
    faults: options.faults,
  };
  const verify = createUserTokenVerifier({
    issuer: options.platform.id,
    ...(options.platform.jwks ? { jwks: options.platform.jwks } : {}),
    ...(options.platform.jwksUrl ? { jwksUrl: options.platform.jwksUrl } : {}),
    now,
    log,
  });

  const revocations = revocationCheck(services);
  const { isRevoked } = revocations;

  const app = new OpenAPIHono({
    // Schema failures, and NUL characters anywhere (see findNul), become the API's 400, naming
    // the first offending field.
    defaultHook: (result) => {
      if (result.success) {
        const at = findNul(result.data);
        if (at === undefined) return;
        const param = maskClientKey(at) || undefined;
        throw new ApiError(
          400,
          'invalid_request_error',
          'parameter_invalid',
          `${param ? `${param}: ` : ''}NUL characters are not allowed.`,
          param,
        );
      }
      const issue = result.error.issues[0];
      // Paths and unknown keys are the client's: one could be a PIN, a code or a card number.
      const param = maskClientKey(issue?.path.join('.') ?? '') || undefined;
      const text =
        issue?.code === 'unrecognized_keys'
          ? `Unknown field${issue.keys.length > 1 ? 's' : ''}: ${issue.keys.map((k) => `"${maskClientKey(k.slice(0, 64))}"`).join(', ')}`
          : issue?.message;
      const message = text
        ? maskCardNumbers(`${param ? `${param}: ` : ''}${text}`)
        : 'Invalid request.';
      throw new ApiError(400, 'invalid_request_error', 'parameter_invalid', message, param);
    },
  });

  app.onError((error, c) => {
    if (error instanceof ApiError) {
      if (error.retryAfter) c.header('Retry-After', String(error.retryAfter));
      return c.json(error.toBody(), error.status);
    }
    if (error instanceof HTTPException) {
      const status = error.status;
      const code = status === 413 ? 'body_too_large' : 'request_invalid';
      const message =
        status === 413 ? `Request bodies are limited to ${MAX_BODY_BYTES} bytes.` : error.message;
      const body: ErrorBody = { error: { type: 'invalid_request_error', code, message } };
      return c.json(body, status as 400);
    }
    // The client left before its body arrived: no one to answer, nothing wrong here. 499 is
    // what proxies log for it.
    if (c.req.raw.signal.aborted) return c.body(null, 499 as 400);
    // The database is down, restarting or saturated: a clear 503 the client retries (money
    // moves are safe to retry with their Idempotency-Key), not a 500.
    if (error instanceof StoreUnavailableError) {
      log({ event: 'store.unavailable', requestId: c.get('requestId'), reason: error.reason });
      const answer = unavailable(
        'store_unavailable',
        'The service is briefly unavailable. Try again in a moment.',
        1,
      );
      c.header('Retry-After', '1');
      return c.json(answer.toBody(), 503);
    }
    // Only the error's class and stack: messages of lower layers may quote input.
    log({
      event: 'error',
      requestId: c.get('requestId'),
      error: error.name,
      stack: error.stack?.split('\n').slice(1, 6).join('\n'),
    });
    const body: ErrorBody = {
      error: { type: 'api_error', code: 'internal', message: 'Something went wrong on our side.' },
    };
    return c.json(body, 500);
  });

  app.notFound((c) =>
    c.json(new ApiError(404, 'not_found_error', 'route_missing', 'No such route.').toBody(), 404),
  );

  let draining = false;
  // While draining, each connection closes after its answer: keep-alive clients reconnect,
  // and reach another process.
  app.use(async (c, next) => {
    await next();
    if (draining) c.res.headers.set('Connection', 'close');
  });
  // Always our own id (limitLength 0 refuses every client's): Hono's would take a client's
  // Request-Id, which is logged, and a PIN, an SMS code or a card number fits its pattern.
  app.use(requestId({ headerName: 'Request-Id', limitLength: 0 }));
  app.use(accessLog({ log }));
  const logRefused = refusedOriginLog(log, now);
  app.use(
    '/v1/*',
    apiCors({
      isAllowed: (origin) => {
        if (isAllowedOrigin(origin, options.allowedOrigins)) return true;
        logRefused(origin);
        return false;
      },
      allowHeaders: [
        'Authorization',
        'Content-Type',
        'Idempotency-Key',
        'Last-Event-ID',
        'Settle-Device',
      ],
      allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
      exposeHeaders: ['Request-Id', 'Retry-After'],
      maxAge: 600,
    }),
  );
  app.use('/v1/*', limitBody(MAX_BODY_BYTES));
  app.use('/v1/*', refuseAmbiguousJson);

  // 503 once the process drains or when the store does not answer: load balancers then
  // send traffic elsewhere.
  app.get('/healthz', async (c) => {
    if (draining) return c.json({ status: 'draining' }, 503);
    const up = await options.store.get('SELECT 1 AS up').then(Boolean, () => false);
    return up ? c.json({ status: 'ok' }) : c.json({ status: 'unavailable' }, 503);
  });

  // The card frame sends no credential: the network address is all there is to key on. Without
  // one (no Node server, no trusted proxy) there is no one to tell apart, so no limit.
  app.use(
    '/v1/card-tokens',
    rateLimit({
      perMinute: options.cardTokensPerMinute ?? CARD_TOKENS_PER_MINUTE,
      key: (c) => clientAddress(c, options.trustedProxies ?? 0),
      now,
      code: 'too_many_card_tokens',
      message: 'Too many cards entered from this network in a short time; try again shortly.',
    }),
  );
  cardTokenRoutes(app, services);
  cardFrameRoutes(app, { allowedOrigins: options.allowedOrigins });
  app.use('/v1/account', requireUser({ verify, isRevoked }));
  app.use('/v1/account/*', requireUser({ verify, isRevoked }));
  // Each PIN check or change costs a slow hash: a user gets a few a minute, whatever the route.
  const pinAttempts = rateLimit({
    perMinute: PIN_ATTEMPTS_PER_MINUTE,
    key: (c) => c.var.userId,
    now,
    code: 'too_many_attempts',
    message: 'Too many PIN attempts in a short time; try again later.',
  });
  app.use('/v1/account/pin', pinAttempts);
  app.use('/v1/account/unlock', pinAttempts);
  enrollmentRoutes(app, services);
  secureRoutes(app, services, revocations);
  for (const path of [
    '/v1/authorizations',
    '/v1/transfers',
    '/v1/transfers/*',
    '/v1/requests',
    '/v1/requests/*',
  ]) {
    app.use(path, requireUser({ verify, isRevoked }));
  }
  app.use('/v1/authorizations', pinAttempts);
  transferRoutes(app, services);
  requestRoutes(app, services);
  app.use('/v1/assistant/*', requireUser({ verify, isRevoked }));
  assistantRoutes(app, services);
  app.use('/v1/events', requireUser({ verify, isRevoked }));
  const events = eventRoutes(app, services, revocations.isRevokedNow);
  app.use('/v1/admin/*', requirePlatform({ secretKeys: options.platform.secretKeys }));
  adminRoutes(app, services);
  riskAdminRoutes(app, services);
  webhookAdminRoutes(app, services, { webhooksOn: Boolean(options.webhooks) });
  if (options.dev) devRoutes(app, services);

  app.openAPIRegistry.registerComponent('securitySchemes', 'userToken', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'A user token minted by the platform (ES256, EdDSA or RS256; aud `settle`).',
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'platformKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'A platform secret key (`sk_...`), from the platform’s server only.',
  });
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: 'Settle API',
      version: '0.1.0',
      description: 'Send and request money inside a conversation.',
    },
  });
  return Object.assign(app, {
    drain() {
      draining = true;
      events.drain();
    },
    jobs: {
      runOnce: (opts?: { recovering?: boolean; sweepAwaiting?: boolean }) =>
        runJobsOnce(services, opts),
      start: (intervalMs?: number) => startJobs(services, intervalMs),
    },
  });
}
