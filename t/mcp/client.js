// TEST-ONLY MCP client for t/078-mcp-e2e.t: the official MCP TypeScript
// SDK's Client over its Streamable HTTP transport, authenticated by the
// SDK's own ClientCredentialsProvider (client_credentials, no browser).
//
//   node client.js MCP_URL ISSUER CLIENT_ID CLIENT_SECRET [SCOPE]
//
// The SDK does the MCP authorization discovery by itself: the first POST
// gets 401 with resource_metadata, it reads the protected-resource
// metadata, checks its "resource" against MCP_URL, reads the issuer's
// metadata, asks the token endpoint for a token with resource=, and
// retries.  Every HTTP request it makes goes through a logging fetch, and
// this prints one line per request (method, URL, the headers that matter,
// status), then the result of the "auth_seen" tool of t/mcp/server.js,
// then the SDK's GET for a standalone SSE stream (it does not wait for it,
// so it is printed last to keep the output in one order).
// The origins of MCP_URL and ISSUER print as {rs} and {as}, so that the
// output does not depend on ports.  Token values are never printed: only
// their length class.  Exits 1 on any failure, after 20 s at most.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';

const [mcpUrl, issuer, clientId, clientSecret, scope] = process.argv.slice(2);
if (!clientSecret) {
  console.error('usage: node client.js MCP_URL ISSUER CLIENT_ID CLIENT_SECRET [SCOPE]');
  process.exit(2);
}
setTimeout(() => { console.error('client: timed out'); process.exit(1); }, 20000).unref();

const rs = new URL(mcpUrl).origin;
const as = new URL(issuer).origin;
const short = (u) => String(u).split(rs).join('{rs}').split(as).join('{as}');

function headerOf(init, name) {
  const h = init && init.headers;
  if (!h) return undefined;
  if (h instanceof Headers) return h.get(name) ?? undefined;
  const k = Object.keys(h).find((x) => x.toLowerCase() === name);
  return k === undefined ? undefined : h[k];
}

const later = [];

// what the SDK sends and receives, without any secret
async function loggingFetch(url, init) {
  const method = (init && init.method) || 'GET';
  const parts = [`${method} ${short(url)}`];
  const version = headerOf(init, 'mcp-protocol-version');
  if (version !== undefined) parts.push('mcp-protocol-version=yes');
  const authz = headerOf(init, 'authorization');
  if (authz !== undefined) parts.push(`authorization=${authz.split(' ')[0]}`);
  if (init && init.body instanceof URLSearchParams) {
    const p = init.body;
    parts.push(`grant_type=${p.get('grant_type')}`);
    if (p.has('resource')) parts.push(`resource=${short(p.get('resource'))}`);
    if (p.has('scope')) parts.push(`scope="${p.get('scope')}"`);
  }
  const res = await fetch(url, init);
  parts.push(`-> ${res.status}`);
  const challenge = res.headers.get('www-authenticate');
  if (challenge) parts.push(`www-authenticate: ${short(challenge)}`);
  // the SDK opens its GET stream without waiting: printed at the end
  if (method === 'GET' && String(url) === mcpUrl) later.push(parts.join(' '));
  else console.log(parts.join(' '));
  if (String(url).includes('/.well-known/oauth-protected-resource') && res.ok) {
    const doc = await res.clone().json();
    console.log(`  resource=${short(doc.resource)} equals MCP_URL: ${doc.resource === mcpUrl}`);
    console.log(`  authorization_servers=${(doc.authorization_servers || []).map(short).join(',')}`);
  }
  if (/\/\.well-known\/(oauth-authorization-server|openid-configuration)$/.test(String(url)) && res.ok) {
    const md = await res.clone().json();
    console.log(`  issuer=${short(md.issuer)} token_endpoint=${short(md.token_endpoint)}`);
  }
  return res;
}

const provider = new ClientCredentialsProvider({
  clientId, clientSecret, scope, expectedIssuer: issuer,
});
const transport = new StreamableHTTPClientTransport(new URL(mcpUrl), {
  authProvider: provider, fetch: loggingFetch,
});
const client = new Client({ name: 'api-auth-e2e', version: '0.0.0' });

try {
  await client.connect(transport);
  const tokens = provider.tokens();
  console.log(`token: ${tokens && tokens.access_token ? 'received' : 'none'}`
    + ` type=${tokens && tokens.token_type}`);
  const result = await client.callTool({ name: 'auth_seen', arguments: {} });
  console.log(`auth_seen: ${result.content.map((c) => c.text).join(' ')}`);
  for (const end = Date.now() + 3000; !later.length && Date.now() < end;) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await client.close();
  for (const line of later) console.log(`standalone stream: ${line}`);
  process.exit(0);
} catch (err) {
  console.log(`client error: ${err.constructor.name}: ${short(err.message)}`);
  process.exit(1);
}
