// TEST-ONLY MCP server for t/078-mcp-e2e.t: the official MCP TypeScript
// SDK's McpServer over its Streamable HTTP transport (stateless, JSON
// responses), on 127.0.0.1 only, behind nginx's proxy_pass.
//
//   node server.js PORT [LIFETIME_SECONDS]
//
// POST /mcp  the MCP endpoint; one tool, "auth_seen", answers whether the
//            HTTP request that carried the call had an Authorization
//            header, how many POSTs came so far and how many requests
//            (any method) had one
// GET /mcp   405: no standalone SSE stream
// anything else: 404
//
// It never prints a header's value: only whether it was there.  It exits
// on SIGTERM/SIGINT and, whatever happens, after LIFETIME_SECONDS
// (default 300), so a test that dies cannot leave it running.
import http from 'node:http';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

const host = '127.0.0.1';
const port = Number.parseInt(process.argv[2] || '', 10);
const lifetime = Number.parseInt(process.argv[3] || '300', 10);
if (!port) {
  console.error('usage: node server.js PORT [LIFETIME_SECONDS]');
  process.exit(2);
}

let requests = 0;
let withAuthorization = 0;

function mcpServer(sawAuthorization) {
  const server = new McpServer({ name: 'api-auth-test-mcp', version: '0.0.0' });
  server.registerTool('auth_seen', {
    description: 'whether this request reached the server with an Authorization header',
  }, async () => ({
    content: [{
      type: 'text',
      text: `authorization=${sawAuthorization ? 'present' : 'absent'} `
        + `requests=${requests} with_authorization=${withAuthorization}`,
    }],
  }));
  return server;
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

const httpServer = http.createServer(async (req, res) => {
  if (req.url !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  const saw = req.headers.authorization !== undefined;
  if (saw) withAuthorization++;
  console.log(`${req.method} ${req.url} authorization=${saw ? 'present' : 'absent'}`);
  if (req.method !== 'POST') {
    // no standalone SSE stream (the client opens it at its own pace,
    // so its GET would race the tool call in the counts)
    res.writeHead(405, { Allow: 'POST' }).end();
    return;
  }
  requests++;
  try {
    const text = req.method === 'POST' ? await readBody(req) : '';
    const body = text ? JSON.parse(text) : undefined;
    const server = mcpServer(saw);
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined, enableJsonResponse: true,
    });
    res.on('close', () => { transport.close(); server.close(); });
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  } catch (err) {
    console.error(`error: ${err.message}`);
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
});

httpServer.listen(port, host, () => console.log(`mcp test server on ${host}:${port}`));
httpServer.on('error', (err) => {
  console.error(`cannot listen on ${host}:${port}: ${err.message}`);
  process.exit(1);
});

const shutdown = () => { httpServer.close(() => process.exit(0)); httpServer.closeAllConnections(); };
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
setTimeout(() => { console.error('lifetime over'); process.exit(0); }, lifetime * 1000).unref();
