import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { localLambdaContext } from '../lambda-context.js';

export type ApiHandler = (event: APIGatewayProxyEvent, context: Context) => Promise<APIGatewayProxyResult>;

export interface LocalApiRoute {
  readonly method: 'GET' | 'POST';
  /** API Gateway resource path, with `{name}` parameters. */
  readonly path: string;
  readonly functionName: string;
  readonly handler: ApiHandler;
}

/** Requests larger than API Gateway's 10 MB are refused before they reach a handler, as in the cloud. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface LocalApiServer {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The API Gateway stand-in: turns HTTP requests into the same REST proxy events the cloud sends, so the
 * very same handlers answer them.
 */
export async function startApiServer(
  routes: readonly LocalApiRoute[],
  port = 0,
  host = '127.0.0.1',
): Promise<LocalApiServer> {
  const compiled = routes.map((route) => ({ route, ...compilePath(route.path) }));
  const server: Server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      console.error(`local API: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent)
        send(res, { statusCode: 500, body: JSON.stringify({ message: 'Internal server error' }) });
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const candidates = compiled.filter((c) => c.regex.test(url.pathname));
    if (candidates.length === 0)
      return send(res, { statusCode: 404, body: JSON.stringify({ message: 'Not Found' }) });
    const match = candidates.find((c) => c.route.method === req.method);
    if (!match)
      return send(res, { statusCode: 405, body: JSON.stringify({ message: 'Method Not Allowed' }) });

    const body = await readBody(req);
    if (body === undefined) {
      return send(res, { statusCode: 413, body: JSON.stringify({ message: 'Request Entity Too Large' }) });
    }
    const values = match.regex.exec(url.pathname)?.slice(1) ?? [];
    const pathParameters = Object.fromEntries(
      match.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]),
    );
    const event = toProxyEvent(req, url, match.route.path, pathParameters, body);
    const result = await match.route.handler(event, localLambdaContext(match.route.functionName));
    send(res, result);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

function compilePath(path: string): { regex: RegExp; names: string[] } {
  const names: string[] = [];
  const pattern = path.replace(/\{(\w+)\}/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { regex: new RegExp(`^${pattern}/?$`), names };
}

async function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function toProxyEvent(
  req: IncomingMessage,
  url: URL,
  resource: string,
  pathParameters: Record<string, string>,
  body: Buffer,
): APIGatewayProxyEvent {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  const query = Object.fromEntries(url.searchParams.entries());
  const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
  return {
    resource,
    path: url.pathname,
    httpMethod: req.method ?? 'GET',
    headers,
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length > 0 ? query : null,
    multiValueQueryStringParameters: null,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    body: body.length > 0 ? body.toString('utf8') : null,
    isBase64Encoded: false,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      httpMethod: req.method ?? 'GET',
      identity: {
        sourceIp,
        userAgent: headers['user-agent'] ?? null,
      } as APIGatewayProxyEvent['requestContext']['identity'],
      path: url.pathname,
      protocol: `HTTP/${req.httpVersion}`,
      requestId: randomUUID(),
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: resource,
      stage: 'local',
    },
  };
}

function send(
  res: ServerResponse,
  result: Pick<APIGatewayProxyResult, 'statusCode' | 'body'> & { headers?: APIGatewayProxyResult['headers'] },
): void {
  res.statusCode = result.statusCode;
  for (const [name, value] of Object.entries(result.headers ?? {})) res.setHeader(name, String(value));
  if (!res.hasHeader('content-type')) res.setHeader('content-type', 'application/json');
  res.end(result.body);
}

/** The routes of one function: each `METHOD /path` its CDK construct declares, all to the same handler. */
export function functionRoutes(
  functionName: string,
  handler: ApiHandler,
  routes: readonly `${LocalApiRoute['method']} /${string}`[],
): LocalApiRoute[] {
  return routes.map((route) => {
    const [method, path] = route.split(' ') as [LocalApiRoute['method'], string];
    return { method, path, functionName, handler };
  });
}

/** The identity review API (lambdas/identity-review-api), with the resource paths the CDK construct declares. */
export const identityReviewRoutes = (handler: ApiHandler): LocalApiRoute[] =>
  functionRoutes('tessera-identity-review', handler, [
    'GET /identity/reviews',
    'GET /identity/reviews/{reviewId}',
    'POST /identity/reviews/{reviewId}/decision',
  ]);
