import type { CommandOptions } from '../../config/command-options.ts';
import { httpUrl } from '../../config/probe-fields.ts';
import { FleetmonError } from '../../core/errors.ts';
import { type ProbeResult, UNREACHABLE_FAILURES } from '../../core/probe-types.ts';
import { DEFAULT_CLOCK_REQUESTS, displayUrl, type ProbeSpec } from '../../probe/probe-spec.ts';
import type { ProbeRunner } from '../../probe/run-probe.ts';
import { renderProbes } from '../../render/index.ts';
import { EXIT } from '../exit-codes.ts';
import { realProbeRunner } from '../probe-runner.ts';
import { renderOptions } from '../render-options.ts';
import type { Context } from '../run.ts';

/**
 * `fleetmon check URL…`: each target probed once, at once; exit 0 when every probe is ok, 3 when
 * none could be reached at all (no HTTP answer from any), else 1 when one failed, was skewed or
 * its clock could not be read. Targets are URLs, `host:port/path` (http), or names of probes in
 * the config file; with none, every probe of the config file runs.
 */
export async function runCheck(
  ctx: Context,
  targets: readonly string[],
  options: CommandOptions<'check'>,
  run: ProbeRunner = realProbeRunner(ctx.clock),
): Promise<number> {
  const specs = specsFor(ctx, targets, options);
  const results = await runAll(specs, run, ctx.settings.concurrency, ctx.signal);
  if (ctx.signal.aborted) throw ctx.signal.reason;
  const { format, color, width } = renderOptions(ctx);
  ctx.io.stdout.write(renderProbes(results, { format, color, width }));
  return exitCodeOf(results);
}

/** 0 all ok; 3 no probe got an HTTP answer (DNS, connect, TLS, timeout); else 1 if any is not ok. */
export function exitCodeOf(results: readonly ProbeResult[]): number {
  if (results.every((r) => r.ok)) return EXIT.ok;
  const unreachable = results.every(
    (r) => r.status === null && r.failure !== null && UNREACHABLE_FAILURES.has(r.failure),
  );
  return unreachable ? EXIT.provider : EXIT.flagged;
}

function specsFor(
  ctx: Context,
  targets: readonly string[],
  options: CommandOptions<'check'>,
): ProbeSpec[] {
  const configured = ctx.config?.sections.probes ?? [];
  if (targets.length === 0) {
    if (configured.length > 0) return [...configured];
    throw new FleetmonError(
      'usage',
      'check needs a URL to probe',
      'e.g. fleetmon check https://example.com/health, or --config FILE with probes:',
    );
  }
  return targets.map((target) => {
    const byName = configured.find((p) => p.name.toLowerCase() === target.toLowerCase());
    if (byName !== undefined) return byName;
    return urlSpec(ctx, urlOf(target, configured.length > 0), options);
  });
}

/** A target as a URL: as given, or `http://` before a bare `host[:port][/path]`. */
function urlOf(target: string, haveConfig: boolean): URL {
  const parsed = httpUrl(target.includes('://') ? target : `http://${target}`);
  if (parsed.ok) return new URL(parsed.value);
  throw new FleetmonError(
    'usage',
    `${JSON.stringify(target)} is not an http or https URL${haveConfig ? ', nor a probe in the config file' : ''}`,
    'e.g. https://example.com/health or 127.0.0.1:8080/healthz',
  );
}

function urlSpec(ctx: Context, url: URL, o: CommandOptions<'check'>): ProbeSpec {
  if (o.expectJson !== undefined && o.expectRegex !== undefined) {
    throw new FleetmonError(
      'usage',
      '--expect-json and --expect-regex cannot be used together',
      'use one',
    );
  }
  const wantsClock =
    o.clock ||
    o.maxSkew !== undefined ||
    o.clockSource !== undefined ||
    o.clockRequests !== undefined;
  return {
    name: displayUrl(url.href),
    url: url.href,
    method: o.method,
    headers: Object.fromEntries(o.header),
    body: o.data,
    expectStatus: o.expectStatus,
    expectBody: o.expectJson ?? o.expectRegex,
    maxLatencyMs: o.maxLatency,
    clock: wantsClock
      ? {
          maxSkewMs: o.maxSkew,
          source: o.clockSource ?? 'auto',
          requests: o.clockRequests ?? DEFAULT_CLOCK_REQUESTS,
        }
      : undefined,
    intervalMs: ctx.settings.timeoutMs,
    timeoutMs: ctx.settings.timeoutMs,
    maxBodyBytes: ctx.settings.maxBodyBytes,
    maxRedirects: o.maxRedirects,
    insecure: o.insecure,
    labels: {},
  };
}

/** Runs every probe, at most `limit` at once, results in the order of the specs. */
async function runAll(
  specs: readonly ProbeSpec[],
  run: ProbeRunner,
  limit: number,
  signal: AbortSignal,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(specs.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < specs.length && !signal.aborted) {
      const i = next++;
      results[i] = await run(specs[i] as ProbeSpec, signal);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, specs.length) }, worker));
  return results;
}
