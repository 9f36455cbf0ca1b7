import type { ConfigFile } from '../config/config-file.ts';
import { checkConfigText, formatProblem, readText } from '../config/config-file.ts';
import { isFleetmonError } from '../core/errors.ts';
import type { ProbeResult } from '../core/probe-types.ts';
import { type ProbeService, startProbes } from '../probe/probe-service.ts';
import type { Clock } from '../time/clock.ts';
import { realProbeRunner } from './probe-runner.ts';
import { listenForReload } from './reload.ts';

/**
 * What a reload does with the file beyond its probes (alerting, in `serve`): `prepare` checks
 * the new file first, so a problem anywhere refuses the whole reload; what it returns applies it
 * and says what changed (or `undefined`: nothing did).
 */
export interface ReloadPart {
  prepare(config: ConfigFile): string | { apply(): Promise<string | undefined> };
}

/** `serve`'s probes, and the SIGHUP listener that reloads them from the config file. */
export interface ServeProbes {
  readonly service: ProbeService;
  stop(): Promise<void>;
}

/**
 * Starts the config file's probes (none without one) and, with a config file, reloads them on
 * SIGHUP: a file with a problem is refused in one log line and the running probes stay; else
 * probes added, removed or changed take effect and the history of the rest stays.
 */
export function startServeProbes(
  config: ConfigFile | undefined,
  options: {
    clock: Clock;
    windowMs: number;
    log: (line: string) => void;
    /** Every result, as it comes (alerting reads them here). */
    onResult?: (result: ProbeResult) => void;
    /** Reloads the rest of the file with the probes. */
    also?: ReloadPart;
  },
): ServeProbes {
  const { log } = options;
  const service = startProbes(config?.sections.probes ?? [], {
    run: realProbeRunner(options.clock),
    clock: options.clock,
    windowMs: options.windowMs,
    log,
    onResult: options.onResult,
  });
  if (config === undefined) return { service, stop: () => service.stop() };
  const { path } = config;
  let others = otherSettings(config);
  const stopListening = listenForReload(async () => {
    let text: string;
    try {
      text = await readText(path);
    } catch (err) {
      log(
        `config reload refused: ${isFleetmonError(err) ? err.message : String(err)}; the running config stays`,
      );
      return;
    }
    const checked = checkConfigText(text, path);
    if (!checked.ok) {
      const [first] = checked.problems;
      const more = checked.problems.length - 1;
      log(
        `config reload refused: ${first === undefined ? path : formatProblem(path, first)}${more > 0 ? ` (and ${more} more: fleetmon config check ${path})` : ''}; the running config stays`,
      );
      return;
    }
    const also = options.also?.prepare(checked.config);
    if (typeof also === 'string') {
      log(`config reload refused: ${also}; the running config stays`);
      return;
    }
    const probes = checked.config.sections.probes ?? [];
    const change = service.update(probes);
    const alsoChanged = await also?.apply();
    const restart =
      otherSettings(checked.config) === others
        ? ''
        : '; other settings take effect at the next start';
    others = otherSettings(checked.config);
    log(
      `config reloaded: ${probes.length} probe${probes.length === 1 ? '' : 's'} (${change.added.length} added, ${change.removed.length} removed, ${change.changed.length} changed)${alsoChanged === undefined ? '' : `; ${alsoChanged}`}${restart}`,
    );
  });
  return {
    service,
    stop: async () => {
      stopListening();
      await service.stop();
    },
  };
}

/** Sections a reload applies: the probes here, alerting through `serve`'s ReloadPart. */
const RELOADED: readonly string[] = ['probes', 'alerts', 'maintenance'];

/** Everything in the file a reload does not apply, to say when a change waits for a restart. */
function otherSettings(config: ConfigFile): string {
  const rest = (values: object) =>
    Object.entries(values).filter(([key]) => !RELOADED.includes(key));
  return JSON.stringify([
    rest(config.settings.values),
    config.section('serve'),
    rest(config.sections),
  ]);
}
