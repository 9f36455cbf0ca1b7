import { type Agent, request } from 'node:http';

/** What one GET ended in: an answer, or the way it failed (for fault-injection tests). */
export type GetResult =
  | {
      readonly kind: 'answer';
      readonly status: number;
      readonly body: string;
      readonly headers: Record<string, unknown>;
    }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'reset'; readonly code: string };

/**
 * A plain node:http GET that never throws: resets and timeouts become results.
 * Deliberately not the project's provider client, so mock tests do not depend on it.
 */
export function httpGet(
  url: string,
  options: { timeoutMs?: number; agent?: Agent } = {},
): Promise<GetResult> {
  return new Promise((resolve) => {
    const req = request(url, { agent: options.agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          kind: 'answer',
          status: res.statusCode ?? 0,
          body: Buffer.concat(chunks).toString('utf8'),
          headers: res.headers,
        }),
      );
      res.on('error', (error: NodeJS.ErrnoException) =>
        resolve({ kind: 'reset', code: error.code ?? 'ERR' }),
      );
    });
    req.setTimeout(options.timeoutMs ?? 5_000, () => {
      resolve({ kind: 'timeout' });
      req.destroy();
    });
    req.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ kind: 'reset', code: error.code ?? 'ERR' }),
    );
    req.end();
  });
}
