import './style.css';
import { refreshAlerts } from './alerts.ts';
import {
  getJson,
  type InstanceRow,
  openStream,
  type ScanEvent,
  type ScanFailure,
  type StatusAnswer,
} from './api.ts';
import { renderCards } from './cards.ts';
import { byId } from './dom.ts';
import { ProbePanel } from './probes.ts';
import { renderStoreProblem } from './store-banner.ts';
import { renderScanError, renderSummary } from './summary.ts';
import { InstanceTable } from './table.ts';
import { Trends } from './trends.ts';

/** Page state: the server's settings, the latest scan, and the charts. */
const table = new InstanceTable();
let trends: Trends | undefined;
let status: StatusAnswer | undefined;
let seenSeq = 0;
/** When the last scan event arrived, by this browser's clock (immune to server clock skew). */
let lastEventAt = 0;
/** After a refused live stream, as the server's `Retry-After` asks. */
const STREAM_RETRY_MS = 10_000;
let connected = false;
let updating: Promise<void> = Promise.resolve();

async function start(): Promise<void> {
  status = await getJson<StatusAnswer>('status');
  // The version carries the build number and commit (`0.2.0+build.57.g1a2b3c4`).
  byId('version').textContent = `fleetmon ${status.version.version}`;
  byId('provider').textContent = `watching ${status.provider}`;
  renderScanError(status.lastError, false);
  renderStoreProblem(status.store);
  trends = new Trends(status, renderStoreProblem);
  listen();
  // Connected but no scan for three intervals: say the numbers are old rather than look live.
  setInterval(() => {
    if (!connected || status === undefined || lastEventAt === 0) return;
    const stale = Date.now() - lastEventAt > 3 * status.intervalMs + 5000;
    if (stale !== (byId('conn').dataset.state === 'stale')) setConnection(stale ? 'stale' : 'live');
  }, 5000);
  // Probe results and timers change alerts between scans too.
  setInterval(() => {
    updating = updating.then(updateAlerts);
  }, 15_000);
  new ResizeObserver(() => trends?.resize()).observe(byId('charts'));
}

/** Opens the live stream; the browser reconnects by itself, but not after an error answer. */
function listen(): void {
  const stream = openStream();
  stream.addEventListener('open', () => {
    connected = true;
    setConnection('live');
  });
  stream.addEventListener('error', () => {
    connected = false;
    setConnection('retrying');
    // Refused (503 when the server has as many live streams as it allows): try again later.
    if (stream.readyState === EventSource.CLOSED) setTimeout(listen, STREAM_RETRY_MS);
  });
  stream.addEventListener('scan', (event) => {
    const scan = JSON.parse((event as MessageEvent<string>).data) as ScanEvent;
    // One update at a time, in order: a slow fetch must not let an older scan win.
    updating = updating.then(() => onScan(scan)).catch(showProblem);
  });
  stream.addEventListener('scan-error', (event) => {
    renderScanError(JSON.parse((event as MessageEvent<string>).data) as ScanFailure, seenSeq > 0);
  });
}

async function onScan(scan: ScanEvent): Promise<void> {
  if (status === undefined || scan.seq === seenSeq) return;
  seenSeq = scan.seq;
  lastEventAt = Date.now();
  if (byId('conn').dataset.state === 'stale') setConnection('live');
  renderScanError(null, true);
  renderSummary(scan, status);
  renderCards(scan, status, (service) => table.showService(service));
  const [rows] = await Promise.all([
    getJson<InstanceRow[]>('instances'),
    trends?.update(scan),
    updateAlerts(),
  ]);
  table.setRows(rows);
}

/** Alerts are evaluated before the scan is announced, so they are current here. */
async function updateAlerts(): Promise<void> {
  // Alerting starts a moment after the server: a failed refresh waits for the next scan.
  await refreshAlerts().catch(() => undefined);
}

const CONNECTION_LOOK = {
  live: { icon: '●', text: 'Live' },
  retrying: { icon: '○', text: 'Reconnecting…' },
  stale: { icon: '◔', text: 'No new scan' },
} as const;

function setConnection(state: keyof typeof CONNECTION_LOOK): void {
  const conn = byId('conn');
  conn.dataset.state = state;
  conn.replaceChildren();
  const icon = document.createElement('span');
  icon.className = 'conn-icon';
  icon.setAttribute('aria-hidden', 'true');
  icon.textContent = CONNECTION_LOOK[state].icon;
  const text = document.createElement('span');
  text.className = 'conn-text';
  text.textContent = CONNECTION_LOOK[state].text;
  conn.append(icon, text);
}

function showProblem(err: unknown): void {
  const note = byId('scan-error');
  note.hidden = false;
  note.textContent = `⚠ The dashboard could not load data: ${err instanceof Error ? err.message : String(err)}`;
}

start().catch(showProblem);
new ProbePanel().start();
