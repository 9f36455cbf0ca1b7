import { type AlertRow, getJson, type SilenceRow, sendJson } from './api.ts';
import { byId, el } from './dom.ts';
import { span } from './format.ts';

/** The alert whose silence form is open: its row is left alone until the form closes. */
let editing: string | undefined;

/** Loads alerts and silences and shows them: the banner at the top, the lists below. */
export async function refreshAlerts(): Promise<void> {
  const [alerts, silences] = await Promise.all([
    getJson<AlertRow[]>('alerts'),
    getJson<SilenceRow[]>('silences'),
  ]);
  renderBanner(alerts);
  renderAlerts(alerts);
  renderSilences(silences);
}

/** Shown only while something fires: how many, of which rules, how many are held. */
function renderBanner(alerts: readonly AlertRow[]): void {
  const banner = byId('alert-banner');
  const firing = alerts.filter((a) => a.state === 'firing');
  banner.hidden = firing.length === 0;
  if (firing.length === 0) return;
  const byRule = new Map<string, number>();
  for (const a of firing) byRule.set(a.alertname, (byRule.get(a.alertname) ?? 0) + 1);
  const rules = [...byRule].map(([name, n]) => (n > 1 ? `${name} ×${n}` : name)).join(', ');
  const held = firing.filter(isHeld).length;
  banner.replaceChildren(
    el('span', { class: 'alert-banner-icon', 'aria-hidden': 'true' }, '⚠'),
    el('strong', {}, `${firing.length} alert${firing.length === 1 ? '' : 's'} firing`),
    `: ${rules}${held > 0 ? ` · ${held} held by a silence or maintenance` : ''} · `,
    el('a', { href: '#alerts-title' }, 'see alerts'),
  );
}

function renderAlerts(alerts: readonly AlertRow[]): void {
  const body = byId('alert-rows');
  byId('alerts-count').textContent =
    alerts.length === 0
      ? 'Nothing firing or pending.'
      : `${alerts.filter((a) => a.state === 'firing').length} firing, ${alerts.filter((a) => a.state === 'pending').length} pending.`;
  // Redrawing would throw away what someone is typing into a silence form.
  if (editing !== undefined && alerts.some((a) => a.fingerprint === editing)) return;
  editing = undefined;
  if (alerts.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: '6' }, 'No alerts.')));
    return;
  }
  body.replaceChildren(...alerts.flatMap((alert) => alertRows(alert)));
}

function alertRows(alert: AlertRow): HTMLElement[] {
  const since = alert.startsAt ?? alert.activeAt;
  const notes = [
    alert.silencedBy.length > 0 ? 'silenced' : '',
    alert.maintenance === null ? '' : `maintenance ${alert.maintenance}`,
    alert.flapping ? 'flapping' : '',
  ].filter((n) => n !== '');
  const labels = Object.entries(alert.labels)
    .filter(([k]) => k !== 'alertname' && k !== 'severity')
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const form = silenceForm(alert);
  const toggle = el(
    'button',
    { type: 'button', class: 'link-button', 'aria-expanded': 'false' },
    'Silence…',
  );
  toggle.addEventListener('click', () => {
    form.hidden = !form.hidden;
    toggle.setAttribute('aria-expanded', String(!form.hidden));
    editing = form.hidden ? undefined : alert.fingerprint;
  });
  const row = el(
    'tr',
    { 'data-state': alert.state, 'data-fingerprint': alert.fingerprint },
    el('td', {}, el('span', { class: `alert-state alert-${alert.state}` }, alert.state)),
    el('td', {}, alert.alertname, el('span', { class: 'severity' }, ` ${alert.severity}`)),
    el('td', { class: 'labels' }, labels),
    el('td', { class: 'num' }, span(Date.now() - Date.parse(since))),
    el(
      'td',
      { class: 'reason' },
      alert.annotations.summary ?? '',
      notes.length > 0 ? ` (${notes.join(', ')})` : '',
    ),
    el('td', {}, alert.state === 'resolved' ? '' : toggle),
  );
  return [row, el('tr', { class: 'silence-form-row' }, el('td', { colspan: '6' }, form))];
}

/** An inline form: silence alerts with this one's labels for a while, with a comment. */
function silenceForm(alert: AlertRow): HTMLElement {
  const matchers = Object.entries(alert.labels)
    .filter(([k]) => k !== 'severity')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  const duration = el(
    'select',
    { class: 'control', 'aria-label': 'For how long' },
    ...['1h', '2h', '4h', '1d'].map((d) => el('option', { value: d }, d)),
  );
  const comment = el('input', {
    type: 'text',
    required: '',
    placeholder: 'why, e.g. deploy 4.2',
    'aria-label': 'Comment',
  });
  const problem = el('span', { class: 'form-problem', role: 'alert' });
  const form = el(
    'form',
    { class: 'silence-form' },
    el('span', { class: 'matchers' }, matchers.join(' ')),
    duration,
    comment,
    el('button', { class: 'control', type: 'submit' }, 'Silence'),
    problem,
  );
  form.hidden = true;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    sendJson('POST', 'silences', {
      matchers,
      duration: duration.value,
      comment: comment.value,
      createdBy: 'dashboard',
    })
      .then(() => {
        editing = undefined;
        return refreshAlerts();
      })
      .catch((err: unknown) => {
        problem.textContent = err instanceof Error ? err.message : String(err);
      });
  });
  return form;
}

function renderSilences(silences: readonly SilenceRow[]): void {
  const body = byId('silence-rows');
  if (silences.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { class: 'empty', colspan: '5' }, 'No silences.')));
    return;
  }
  body.replaceChildren(
    ...silences.map((s) => {
      const expire = el('button', { type: 'button', class: 'link-button' }, 'Expire');
      expire.addEventListener('click', () => {
        expire.disabled = true;
        sendJson('DELETE', `silences/${encodeURIComponent(s.id)}`).then(refreshAlerts, () => {
          expire.disabled = false;
        });
      });
      const ends = Date.parse(s.endsAt);
      return el(
        'tr',
        { 'data-silence': s.id },
        el('td', { class: 'labels' }, s.matchers.join(' ')),
        el(
          'td',
          {},
          s.state === 'pending'
            ? `starts in ${span(Date.parse(s.startsAt) - Date.now())}`
            : `ends in ${span(ends - Date.now())}`,
        ),
        el('td', {}, s.createdBy),
        el('td', { class: 'reason' }, s.comment),
        el('td', {}, expire),
      );
    }),
  );
}

function isHeld(alert: AlertRow): boolean {
  return alert.silencedBy.length > 0 || alert.maintenance !== null;
}
