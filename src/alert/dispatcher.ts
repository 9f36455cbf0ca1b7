import type { Labels } from '../core/alert-types.ts';
import type { Alert, Muting } from './alert.ts';
import type { ReceiverConfig, RouteConfig } from './compile.ts';
import { matchesAll } from './matchers.ts';
import type { Notification, NotificationLogEntry, NotifiedAlert } from './store.ts';

/** A group whose changes were all held (silenced, in maintenance) is looked at again this soon. */
export const MUTED_RECHECK_MS = 5_000;

interface Told {
  readonly status: 'firing' | 'resolved';
  readonly at: number;
}

/** Alerts that one route sends to one receiver together, and what that receiver was told. */
interface Group {
  readonly key: string;
  readonly route: RouteConfig;
  readonly receiver: ReceiverConfig;
  readonly labels: Labels;
  /** Firing alerts, and resolved ones whose resolve notice is due. */
  readonly alerts: Map<string, Alert>;
  readonly told: Map<string, Told>;
  nextFlushAt: number;
  lastSentAt: number | undefined;
  /** Set when everything due was held; cleared by any change. */
  recheckAt: number;
}

/**
 * Routing, grouping and pacing: which receivers hear about which alerts, together with which
 * others, and when. In memory; what each receiver was told is written to the notification log
 * with every outbox entry (Outbox.enqueue), and read back by `restore` after a restart.
 */
export class Dispatcher {
  readonly #routes: readonly (RouteConfig & { readonly index: number })[];
  readonly #receivers: ReadonlyMap<string, ReceiverConfig>;
  readonly #mute: (labels: Labels, now: number) => Muting;
  readonly #groups = new Map<string, Group>();
  /** Fingerprint → the groups the alert was routed to, routed once per alert. */
  readonly #routed = new Map<string, readonly string[]>();
  /** Notification log entries not yet claimed by a group, by group key. */
  #log = new Map<string, Map<string, Told>>();

  constructor(
    routes: readonly RouteConfig[],
    receivers: readonly ReceiverConfig[],
    mute: (labels: Labels, now: number) => Muting,
  ) {
    this.#routes = routes.map((route, index) => ({ ...route, index }));
    this.#receivers = new Map(receivers.map((r) => [r.name, r]));
    this.#mute = mute;
  }

  /** What receivers were told before a restart; call before the first `update`. */
  restore(log: readonly NotificationLogEntry[]): void {
    this.#log = new Map();
    for (const entry of log) {
      const told = this.#log.get(entry.groupKey) ?? new Map<string, Told>();
      told.set(entry.fingerprint, { status: entry.status, at: entry.at });
      this.#log.set(entry.groupKey, told);
    }
  }

  /** Takes in alerts that started firing, resolved, or changed their annotations while firing. */
  update(alerts: readonly Alert[], now: number): void {
    for (const alert of alerts) {
      if (alert.state === 'pending') continue;
      let keys = this.#routed.get(alert.fingerprint);
      if (keys === undefined) {
        if (alert.state !== 'firing' && !this.#wasTold(alert)) continue;
        keys = this.#route(alert, now);
        this.#routed.set(alert.fingerprint, keys);
      }
      for (const key of keys) {
        const group = this.#groups.get(key);
        if (group === undefined) continue;
        group.alerts.set(alert.fingerprint, alert);
        group.recheckAt = 0;
      }
      if (alert.state === 'resolved') this.#routed.delete(alert.fingerprint);
    }
  }

  /** Held groups are looked at again now (a silence ended, or was added). */
  recheck(): void {
    for (const group of this.#groups.values()) group.recheckAt = 0;
  }

  /** The notifications due at `now`; what they tell is taken as told. */
  flush(now: number): Notification[] {
    const out: Notification[] = [];
    for (const group of this.#groups.values()) {
      if (!this.#dueAt(group, now)) continue;
      const notification = this.#flushGroup(group, now);
      if (notification !== undefined) out.push(notification);
      if (group.alerts.size === 0) this.#groups.delete(group.key);
    }
    return out;
  }

  /** When `flush` may next have something to send; `undefined`: not before something changes. */
  nextDueAt(): number | undefined {
    let next: number | undefined;
    const consider = (t: number) => {
      if (next === undefined || t < next) next = t;
    };
    for (const group of this.#groups.values()) {
      if (this.#hasChanges(group)) consider(Math.max(group.nextFlushAt, group.recheckAt));
      if (group.lastSentAt !== undefined && hasTold(group, 'firing')) {
        consider(Math.max(group.lastSentAt + group.route.repeatIntervalMs, group.recheckAt));
      }
    }
    return next;
  }

  #route(alert: Alert, now: number): string[] {
    const keys: string[] = [];
    for (const route of this.#routes) {
      if (!matchesAll(route.matchers, alert.labels)) continue;
      const receiver = this.#receivers.get(route.receiver);
      if (receiver !== undefined) keys.push(this.#groupFor(route, receiver, alert.labels, now).key);
      if (!route.continue) break;
    }
    return keys;
  }

  #groupFor(
    route: RouteConfig & { readonly index: number },
    receiver: ReceiverConfig,
    labels: Labels,
    now: number,
  ): Group {
    // Alertmanager groups by itself: it gets each change at once and everything on every resend.
    const pushes = receiver.kind === 'alertmanager';
    const by = pushes ? [] : route.groupBy;
    const groupLabels: Record<string, string> = {};
    for (const name of [...by].sort()) {
      const value = labels[name];
      if (value !== undefined) groupLabels[name] = value;
    }
    const key = `${receiver.name}:${route.index}:${JSON.stringify(groupLabels)}`;
    let group = this.#groups.get(key);
    if (group !== undefined) return group;
    const told = this.#log.get(key) ?? new Map<string, Told>();
    this.#log.delete(key);
    const lastSentAt =
      told.size === 0 ? undefined : Math.max(...[...told.values()].map((t) => t.at));
    const timing = pushes
      ? { ...route, groupWaitMs: 0, groupIntervalMs: 0, repeatIntervalMs: receiver.resendMs }
      : route;
    group = {
      key,
      route: timing,
      receiver,
      labels: groupLabels,
      alerts: new Map(),
      told,
      // A group that already notified (before a restart) is not new: no group wait again.
      nextFlushAt:
        lastSentAt === undefined ? now + timing.groupWaitMs : lastSentAt + timing.groupIntervalMs,
      lastSentAt,
      recheckAt: 0,
    };
    this.#groups.set(key, group);
    return group;
  }

  #wasTold(alert: Alert): boolean {
    for (const told of this.#log.values())
      if (told.get(alert.fingerprint)?.status === 'firing') return true;
    for (const group of this.#groups.values()) {
      if (group.told.get(alert.fingerprint)?.status === 'firing') return true;
    }
    return false;
  }

  #dueAt(group: Group, now: number): boolean {
    if (now < group.recheckAt) return false;
    if (this.#hasChanges(group) && now >= group.nextFlushAt) return true;
    return group.lastSentAt !== undefined && now >= group.lastSentAt + group.route.repeatIntervalMs;
  }

  #hasChanges(group: Group): boolean {
    for (const alert of group.alerts.values()) {
      const told = group.told.get(alert.fingerprint)?.status;
      if (alert.state === 'firing' ? told !== 'firing' : true) return true;
    }
    return false;
  }

  #flushGroup(group: Group, now: number): Notification | undefined {
    const fresh: Alert[] = [];
    const still: Alert[] = [];
    const over: Alert[] = [];
    let held = false;
    for (const alert of group.alerts.values()) {
      const told = group.told.get(alert.fingerprint)?.status;
      if (alert.state === 'firing') {
        const muting = this.#mute(alert.labels, now);
        if (muting.silencedBy.length > 0 || muting.maintenance !== null) {
          held ||= told !== 'firing';
          continue;
        }
        (told === 'firing' ? still : fresh).push(alert);
      } else if (told === 'firing' && group.receiver.sendResolved) {
        // A resolve notice goes out even when silenced: it closes what was opened.
        over.push(alert);
      } else {
        group.alerts.delete(alert.fingerprint);
        group.told.delete(alert.fingerprint);
      }
    }
    const repeat =
      still.length > 0 &&
      group.lastSentAt !== undefined &&
      now >= group.lastSentAt + group.route.repeatIntervalMs;
    const alerts = [...fresh, ...(repeat ? still : []), ...over];
    if (alerts.length === 0) {
      // Something was due but everything is held: look again later, not on every step.
      group.recheckAt = now + MUTED_RECHECK_MS;
      return undefined;
    }
    group.lastSentAt = now;
    group.nextFlushAt = now + group.route.groupIntervalMs;
    for (const alert of alerts) {
      if (alert.state === 'firing')
        group.told.set(alert.fingerprint, { status: 'firing', at: now });
      else {
        group.told.delete(alert.fingerprint);
        group.alerts.delete(alert.fingerprint);
      }
    }
    if (held) group.recheckAt = now + MUTED_RECHECK_MS;
    return {
      receiver: group.receiver.name,
      groupKey: group.key,
      groupLabels: group.labels,
      alerts: alerts.map(notified),
    };
  }
}

function hasTold(group: Group, status: 'firing'): boolean {
  for (const told of group.told.values()) if (told.status === status) return true;
  return false;
}

function notified(alert: Alert): NotifiedAlert {
  return {
    fingerprint: alert.fingerprint,
    status: alert.state === 'firing' ? 'firing' : 'resolved',
    labels: alert.labels,
    annotations: alert.annotations,
    startsAt: alert.startsAt ?? alert.activeAt,
    endsAt: alert.state === 'firing' ? null : (alert.endsAt ?? alert.activeAt),
  };
}
