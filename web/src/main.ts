import './style.css';
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
let connected = false;
let updating: Promise<void> = Promise.resolve();

async function start(): Promise<void> {
  status = await getJson<StatusAnswer>('status');
  const { version, build, commit } = status.version;
  byId('version').textContent = `fleetmon ${version} (build ${build}, ${commit})`;
  byId('provider').textContent = `watching ${status.provider}`;
  renderScanError(status.lastError, false);
  renderStoreProblem(status.store);
  trends = new Trends(status, renderStoreProblem);
  const stream = openStream();
  stream.addEventListener('open', () => {
    connected = true;
    setConnection('live');
  });
  stream.addEventListener('error', () => {
    connected = false;
    setConnection('retrying');
  });
  // Connected but no scan for three intervals: say the numbers are old rather than look live.
  setInterval(() => {
    if (!connected || status === undefined || lastEventAt === 0) return;
    const stale = Date.now() - lastEventAt > 3 * status.intervalMs + 5000;
    if (stale !== (byId('conn').dataset.state === 'stale')) setConnection(stale ? 'stale' : 'live');
  }, 5000);
  stream.addEventListener('scan', (event) => {
    const scan = JSON.parse((event as MessageEvent<string>).data) as ScanEvent;
    // One update at a time, in order: a slow fetch must not let an older scan win.
    updating = updating.then(() => onScan(scan)).catch(showProblem);
  });
  stream.addEventListener('scan-error', (event) => {
    renderScanError(JSON.parse((event as MessageEvent<string>).data) as ScanFailure, seenSeq > 0);
  });
  new ResizeObserver(() => trends?.resize()).observe(byId('charts'));
}

async function onScan(scan: ScanEvent): Promise<void> {
  if (status === undefined || scan.seq === seenSeq) return;
  seenSeq = scan.seq;
  lastEventAt = Date.now();
  if (byId('conn').dataset.state === 'stale') setConnection('live');
  renderScanError(null, true);
  renderSummary(scan, status);
  renderCards(scan, status, (service) => table.showService(service));
  const [rows] = await Promise.all([getJson<InstanceRow[]>('instances'), trends?.update(scan)]);
  table.setRows(rows);
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
