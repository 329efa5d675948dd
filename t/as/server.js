// TEST-ONLY OAuth 2.0 authorization server for the ngx_http_api_auth_module
// end-to-end tests and demo, built on oidc-provider 8.x
// (https://github.com/panva/node-oidc-provider, docs/README.md at tag v8.8.1).
//
// * Listens on 127.0.0.1 only; port from AS_PORT (default 9180);
//   issuer http://127.0.0.1:$AS_PORT.
// * client_credentials grant at      POST /token
// * a test grant that issues a refresh token (see TEST_USER_GRANT) and
//   oidc-provider's own refresh_token grant, both at POST /token
// * RFC 7662 introspection at         POST /token/introspection
// * discovery at                      GET  /.well-known/openid-configuration
// * its public signing keys at        GET  /jwks
// * Access tokens are OPAQUE (random strings, kept in memory only:
//   restarting the server forgets every token issued), except for the
//   resources of JWT_RESOURCES below: a token requested with one of them
//   as `resource=` is a JWT access token (RFC 9068) signed with that
//   resource's algorithm.
// * With AS_TEST_HOOKS=1, two test-only endpoints let a test change the
//   server between two requests of nginx:
//     POST /test-only/exit    answers 204 and exits;
//     POST /test-only/rotate  answers 204 and switches to the other of two
//                             generations of signing keys: from then on
//                             /jwks publishes only that generation's keys
//                             and new JWTs are signed with them (a key
//                             rotation with the old keys removed at once).
//   Each generation is an oidc-provider instance of its own; they share
//   the token store, the issuer and the clients.
//
// All secrets below are fixtures for loopback tests. Never reuse them.
import { generateKeyPair, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import Provider, { errors } from 'oidc-provider';

const host = '127.0.0.1';
const port = Number.parseInt(process.env.AS_PORT || '9180', 10);
const issuer = `http://${host}:${port}`;
// Lifetime (seconds) of client_credentials access tokens; short values help
// tests of token expiry.
const tokenTTL = Number.parseInt(process.env.AS_TOKEN_TTL || '600', 10);
// Lifetime (seconds) of the JWT access tokens of https://short.jwt.test.
const shortTTL = Number.parseInt(process.env.AS_JWT_SHORT_TTL || '2', 10);

// Every scope a client may ask for. Listing them here makes the per-client
// `scope` allow-list below enforceable (oidc-provider only checks scopes it
// knows about against a client's `scope` metadata; a requested scope it does
// not know is silently left out of the token).
const API_SCOPES = 'orders.read orders.write';

// Signing keys, made afresh at each start (nothing secret is committed):
// one per algorithm, each JWK with its `alg`, so that a resource's
// jwt.sign.alg picks exactly one key. The RS256 key also signs the (here
// unused) ID tokens. GET /jwks publishes their public halves.
const SIGNING_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

// RFC 8707 resources whose access tokens are JWTs: resource URI -> how the
// token is made. `aud` is the resource URI; the scopes are API_SCOPES.
//   alg     the JWS algorithm (jwt.sign.alg)
//   ttl     the token's lifetime (default AS_TOKEN_TTL)
//   style   'okta': the scopes as an `scp` array instead of `scope`, the
//           client as `cid` instead of `client_id`, no `typ` header;
//           'auth0': header `typ: JWT` (not RFC 9068's at+jwt), the
//           client as `azp` instead of `client_id`
// Every other http(s) resource keeps opaque tokens.
const JWT_RESOURCES = {
  'https://rs256.jwt.test': { alg: 'RS256' },
  'https://ps256.jwt.test': { alg: 'PS256' },
  'https://es256.jwt.test': { alg: 'ES256' },
  'https://eddsa.jwt.test': { alg: 'EdDSA' },
  'https://okta.jwt.test': { alg: 'RS256', style: 'okta' },
  'https://auth0.jwt.test': { alg: 'ES256', style: 'auth0' },
  'https://short.jwt.test': { alg: 'RS256', ttl: shortTTL },
};
// more of them from AS_JWT_RESOURCES: space-separated URI=ALG pairs (a
// test knows its resource URLs, e.g. an MCP endpoint on its nginx port,
// only when it runs)
for (const pair of (process.env.AS_JWT_RESOURCES || '').split(' ').filter(Boolean)) {
  const [, uri, alg] = pair.match(/^(.+)=([^=]+)$/) ?? [];
  if (!SIGNING_ALGS.includes(alg)) throw new Error(`AS_JWT_RESOURCES: bad pair ${pair}`);
  JWT_RESOURCES[uri] = { alg };
}

// A refresh token needs a resource owner, a grant and normally a browser
// (authorization_code + offline_access).  This test-only grant stands in
// for that login: POST /token grant_type=TEST_USER_GRANT&scope=... gives
// client "user-client" an access token AND a refresh token for the fixed
// account "test-user", made by oidc-provider's own AccessToken,
// RefreshToken and Grant models, so introspection treats them exactly as
// it treats tokens from a real login.  The refresh token also works with
// oidc-provider's real refresh_token grant.
const TEST_USER_GRANT = 'urn:api-auth:test:grant-type:user';

// Static clients. grant_types/response_types/redirect_uris are emptied of the
// authorization-code defaults; token_endpoint_auth_method is also the method
// used at the introspection endpoint.
const clients = [
  {
    client_id: 'demo-client',
    client_secret: 'demo-client-secret-test-only',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'orders.read orders.write',
  },
  {
    client_id: 'limited-client',
    client_secret: 'limited-secret-test-only',
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'orders.read',
  },
  {
    client_id: 'user-client',
    client_secret: 'user-client-secret-test-only',
    grant_types: [TEST_USER_GRANT, 'refresh_token'],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
    scope: 'orders.read orders.write offline_access',
  },
  {
    // The resource server (nginx module). No grants: it only introspects.
    client_id: 'api-gateway',
    client_secret: 'api-gateway-secret-test-only',
    grant_types: [],
    response_types: [],
    redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic',
  },
];
// Clients allowed to introspect tokens issued to ANY client.
const RESOURCE_SERVERS = new Set(['api-gateway']);

// In-memory token store. Unlike oidc-provider's built-in development adapter
// (an LRU capped at 1000 entries, which would silently forget tokens under
// load tests) this one keeps every entry until it expires. Only the adapter
// methods used by the client_credentials + introspection flows do real work.
const stores = new Map(); // model name -> Map(id -> { payload, exp })
class MemoryAdapter {
  constructor(name) {
    if (!stores.has(name)) stores.set(name, new Map());
    this.store = stores.get(name);
  }
  async upsert(id, payload, expiresIn) {
    this.store.set(id, { payload, exp: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
  }
  async find(id) {
    const e = this.store.get(id);
    if (e && e.exp <= Date.now()) this.store.delete(id);
    return e && e.exp > Date.now() ? e.payload : undefined;
  }
  async destroy(id) { this.store.delete(id); }
  async consume(id) { const e = this.store.get(id); if (e) e.payload.consumed = Math.floor(Date.now() / 1000); }
  async findByUid() { return undefined; }
  async findByUserCode() { return undefined; }
  async revokeByGrantId() {}
}
setInterval(() => { // drop expired entries once a minute
  for (const store of stores.values()) for (const [id, e] of store) if (e.exp <= Date.now()) store.delete(id);
}, 60_000).unref();

const testHooks = process.env.AS_TEST_HOOKS === '1';

// one generation: an oidc-provider signing with KEYS (private JWKs)
function makeProvider(keys) {
  const provider = new Provider(issuer, {
    adapter: MemoryAdapter,
    clients,
    // offline_access also turns on oidc-provider's refresh_token grant (and
    // with it the lookup of refresh tokens at the introspection endpoint).
    scopes: [...API_SCOPES.split(' '), 'offline_access'],
    // Only needed for the (unused) interactive flows; a fixed test value keeps
    // oidc-provider from warning about development-only cookie keys.
    cookies: { keys: ['cookie-key-test-only'] },
    // SIGNING_ALGS above; also avoids the built-in development keys warning.
    jwks: { keys },
    ttl: {
      ClientCredentials: (ctx, token) => token.resourceServer?.accessTokenTTL ?? tokenTTL,
      AccessToken: () => tokenTTL,
      RefreshToken: () => 86400,
      Grant: () => 86400,
    },
    // The one resource owner of TEST_USER_GRANT; no other claims.
    async findAccount(ctx, id) {
      return { accountId: id, async claims() { return { sub: id }; } };
    },
    features: {
      devInteractions: { enabled: false }, // no login UI needed
      clientCredentials: { enabled: true },
      introspection: {
        enabled: true,
        // Who may learn that a token is active: the resource server for every
        // access token, any other client only for its own tokens. Everyone
        // else gets {"active":false}.
        //
        // Refresh tokens are kept from the resource server: oidc-provider's
        // introspection falls back from token_type_hint=access_token to
        // refresh tokens and then answers
        //   {"active":true,"sub":...,"client_id":...,"exp":...,"iat":...,
        //    "iss":...,"scope":...}
        // with no token_type (an access token's answer has "Bearer"), so the
        // resource server cannot tell the two apart (issue 11, finding 10;
        // t/041-oidc-refresh.t shows both sides).
        async allowedPolicy(ctx, client, token) {
          if (RESOURCE_SERVERS.has(client.clientId)) return token.kind !== 'RefreshToken';
          return token.clientId === client.clientId;
        },
      },
      // RFC 8707: an optional `resource=<absolute URI>` on the token request
      // becomes the token's `aud` (shown by introspection). Any http(s) URI is
      // accepted (test fixture); its token keeps only the requested scopes that
      // are in API_SCOPES, and stays opaque, except for JWT_RESOURCES.
      resourceIndicators: {
        enabled: true,
        async getResourceServerInfo(ctx, resourceIndicator) {
          if (!/^https?:\/\//.test(resourceIndicator)) throw new errors.InvalidTarget();
          const jwt = JWT_RESOURCES[resourceIndicator];
          if (!jwt) return { scope: API_SCOPES, accessTokenFormat: 'opaque', accessTokenTTL: tokenTTL };
          return {
            scope: API_SCOPES,
            audience: resourceIndicator,
            accessTokenFormat: 'jwt',
            accessTokenTTL: jwt.ttl ?? tokenTTL,
            jwt: { sign: { alg: jwt.alg } },
          };
        },
      },
    },
    // client_credentials tokens have no end-user, hence no `sub` by default.
    // Following RFC 9068 §2.2 (sub = client_id when no resource owner is
    // involved) we store it as an extra claim; introspection returns it.
    async extraTokenClaims(ctx, token) {
      return token.kind === 'ClientCredentials' ? { sub: token.clientId } : undefined;
    },
    // The vendor shapes of JWT_RESOURCES (style).
    formats: {
      customizers: {
        async jwt(ctx, token, jwt) {
          const { style } = JWT_RESOURCES[jwt.payload.aud] ?? {};
          const p = jwt.payload;
          if (style === 'okta') {
            p.scp = p.scope ? p.scope.split(' ') : [];
            p.cid = p.client_id;
            delete p.scope;
            delete p.client_id;
            jwt.header = { typ: undefined }; // JSON leaves it out
          } else if (style === 'auth0') {
            p.azp = p.client_id;
            delete p.client_id;
            jwt.header = { typ: 'JWT' };
          }
        },
      },
    },
  });

  // TEST_USER_GRANT (above): one access token and one refresh token for
  // "test-user", with the requested scopes the client may have.
  provider.registerGrantType(TEST_USER_GRANT, async (ctx, next) => {
    const { client } = ctx.oidc;
    const { AccessToken, RefreshToken, Grant } = ctx.oidc.provider;
    const allowed = new Set(client.scope.split(' '));
    const scope = (ctx.oidc.params.scope || '').split(' ')
      .filter((s) => allowed.has(s)).join(' ');
    const accountId = 'test-user';
    const gty = TEST_USER_GRANT;

    const grant = new Grant({ accountId, clientId: client.clientId });
    grant.addOIDCScope(scope);
    const grantId = await grant.save();

    const at = new AccessToken({ accountId, client, grantId, gty, scope });
    const rt = new RefreshToken({
      accountId, client, grantId, gty, scope, rotations: 0,
    });
    ctx.oidc.entity('AccessToken', at);
    ctx.oidc.entity('RefreshToken', rt);

    ctx.body = {
      access_token: await at.save(),
      expires_in: at.expiration,
      refresh_token: await rt.save(),
      scope: at.scope,
      token_type: at.tokenType,
    };
    console.log(`issued user tokens client=${client.clientId} scope=${scope}`);
    await next();
  }, ['scope']);

  // Log one line per issued token and per token/introspection error.
  provider.on('client_credentials.saved', (t) =>
    console.log(`issued token client=${t.clientId} scope=${t.scope ?? ''} aud=${t.aud ?? ''}`));
  // a JWT access token is not stored: 'issued' instead of 'saved'
  provider.on('client_credentials.issued', (t) =>
    console.log(`issued JWT client=${t.clientId} scope=${t.scope ?? ''} aud=${t.aud ?? ''}`));
  provider.on('grant.error', (ctx, err) => console.log(`token error: ${err.message} ${err.error_description ?? ''}`));
  provider.on('introspection.error', (ctx, err) => console.log(`introspection error: ${err.message} ${err.error_description ?? ''}`));
  provider.on('server_error', (ctx, err) => console.error('server_error', err));
  return provider;
}

// a new private JWK for ALG (in the thread pool: the two RSA keys are
// made in parallel)
async function ephemeralJwk(alg) {
  const gen = promisify(generateKeyPair);
  const { privateKey } = await (alg.startsWith('ES') ? gen('ec', { namedCurve: 'P-256' })
    : alg === 'EdDSA' ? gen('ed25519')
      : gen('rsa', { modulusLength: 2048 }));
  return { ...privateKey.export({ format: 'jwk' }), kid: randomBytes(8).toString('hex'), alg, use: 'sig' };
}

// a fresh key per algorithm of SIGNING_ALGS
const signingKeys = () => Promise.all(SIGNING_ALGS.map(ephemeralJwk));

const generations = await Promise.all((testHooks ? [1, 2] : [1]).map(
  async () => makeProvider(await signingKeys()).callback()));
let current = 0;

// the test hooks (AS_TEST_HOOKS), else the current generation
const server = createServer((req, res) => {
  const hook = testHooks && req.method === 'POST' && req.url;
  if (hook === '/test-only/exit') {
    res.on('finish', () => { console.log('exit requested'); shutdown(); });
    res.writeHead(204).end();
  } else if (hook === '/test-only/rotate') {
    current = (current + 1) % generations.length;
    console.log(`signing keys: generation ${current + 1}`);
    res.writeHead(204).end();
  } else {
    generations[current](req, res);
  }
});
server.listen(port, host, () => {
  console.log(`test authorization server listening, issuer ${issuer}`);
});
server.on('error', (err) => {
  console.error(`cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});
// Exit promptly on SIGTERM/SIGINT (stop.sh), even with keep-alive clients.
const shutdown = () => { server.close(() => process.exit(0)); server.closeAllConnections(); };
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
