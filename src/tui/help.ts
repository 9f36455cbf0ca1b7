import { composeLine, SGR, seg } from './line.ts';

const KEYS: readonly (readonly [string, string])[] = [
  ['c m i s', 'sort by cpu, memory, ip (name), status; again to reverse'],
  ['/', 'filter by ip, name, status or reason; enter keeps, esc clears'],
  ['space', 'pause or resume polling'],
  ['+ -', 'poll less or more often'],
  ['r', 'scan now'],
  ['↑ ↓ PgUp PgDn', 'scroll (Home, End, j and k too)'],
  ['enter', 'all services: open the selected service'],
  ['esc', 'clear the filter, or go back to all services'],
  ['ctrl-l', 'redraw the screen'],
  ['?', 'this help; any key closes it'],
  ['q  ctrl-c', 'quit'],
];

const LEGEND: readonly string[] = [
  '+ marks a row that appeared lately; gone rows stay, dimmed, for a minute.',
  'Sparklines: one character per scan, newest right; blank = no sample.',
  'min avg max: over the session. Header: the mean over --history.',
];

/** The help screen that replaces the table while `?` is on. */
export function helpLines(mode: 'list' | 'detail', width: number, color: boolean): string[] {
  const title = mode === 'list' ? 'Keys (all services)' : 'Keys (one service)';
  return [
    composeLine([seg(title, SGR.bold)], width, color),
    ...KEYS.map(([keys, what]) =>
      composeLine([seg(`  ${keys.padEnd(15)}`, SGR.bold), seg(what)], width, color),
    ),
    '',
    ...LEGEND.map((text) => composeLine([seg(`  ${text}`, SGR.dim)], width, color)),
  ];
}
