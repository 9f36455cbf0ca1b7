// A strict reader of the Prometheus text exposition format 0.0.4, written from the spec
// (https://prometheus.io/docs/instrumenting/exposition_formats/) independently of prom-client,
// so /metrics is checked by something other than the library that wrote it.

/** One sample line. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A metric family: its TYPE, HELP and samples in order. */
export interface Family {
  readonly name: string;
  type: string;
  help: string | undefined;
  readonly samples: Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);
const SUFFIXES: Record<string, string[]> = {
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['_sum', '_count'],
};

/** Parses the whole text, throwing with the line number on the first violation. */
export function parsePrometheusText(text: string): Map<string, Family> {
  if (text !== '' && !text.endsWith('\n')) throw new Error('exposition must end with a newline');
  const families = new Map<string, Family>();
  const closed = new Set<string>();
  const seen = new Set<string>();
  let current: Family | undefined;
  const lines = text.split('\n');
  lines.pop();
  const family = (name: string, lineNo: number): Family => {
    let f = families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: undefined, samples: [] };
      families.set(name, f);
    }
    if (current !== f) {
      if (closed.has(name))
        throw new Error(`line ${lineNo}: lines of ${name} are not grouped together`);
      if (current !== undefined) closed.add(current.name);
      current = f;
    }
    return f;
  };
  lines.forEach((line, i) => {
    const lineNo = i + 1;
    if (line.trim() === '') return;
    if (line.startsWith('#')) {
      const match = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (match === null) return; // a plain comment
      const [, kind, name = '', rest = ''] = match;
      if (!METRIC_NAME.test(name)) throw new Error(`line ${lineNo}: bad metric name ${name}`);
      const f = family(name, lineNo);
      if (kind === 'TYPE') {
        if (!TYPES.has(rest)) throw new Error(`line ${lineNo}: unknown type ${rest}`);
        if (f.samples.length > 0)
          throw new Error(`line ${lineNo}: TYPE of ${name} after its samples`);
        f.type = rest;
      } else {
        if (f.help !== undefined) throw new Error(`line ${lineNo}: second HELP for ${name}`);
        f.help = rest.replace(/\\(.)/g, (_m, c: string) => (c === 'n' ? '\n' : c));
      }
      return;
    }
    const sample = parseSample(line, lineNo);
    const base = familyNameOf(sample.name, current);
    const f = family(base, lineNo);
    const key = `${sample.name}{${Object.entries(sample.labels)
      .sort()
      .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
      .join(',')}}`;
    if (seen.has(key)) throw new Error(`line ${lineNo}: duplicate series ${key}`);
    seen.add(key);
    f.samples.push(sample);
  });
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f);
  return families;
}

/** Histogram and summary samples (`x_bucket`, `x_sum`, `x_count`) belong to family `x`. */
function familyNameOf(name: string, current: Family | undefined): string {
  if (current === undefined) return name;
  const suffixes = SUFFIXES[current.type] ?? [];
  return suffixes.some((s) => name === current.name + s) ? current.name : name;
}

function parseSample(line: string, lineNo: number): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (nameMatch === null) throw new Error(`line ${lineNo}: no metric name: ${line}`);
  const name = nameMatch[0];
  let pos = name.length;
  const labels: Record<string, string> = {};
  if (line[pos] === '{') {
    pos++;
    while (line[pos] !== '}') {
      const labelMatch = /^([a-zA-Z_][a-zA-Z0-9_]*)="/.exec(line.slice(pos));
      if (labelMatch === null) throw new Error(`line ${lineNo}: bad label at ${pos}: ${line}`);
      const labelName = labelMatch[1] ?? '';
      if (!LABEL_NAME.test(labelName) || labelName.startsWith('__')) {
        throw new Error(`line ${lineNo}: bad label name ${labelName}`);
      }
      if (labelName in labels) throw new Error(`line ${lineNo}: repeated label ${labelName}`);
      pos += labelMatch[0].length;
      let value = '';
      for (;;) {
        const c = line[pos];
        if (c === undefined) throw new Error(`line ${lineNo}: unterminated label value`);
        pos++;
        if (c === '"') break;
        if (c === '\\') {
          const e = line[pos++];
          if (e === 'n') value += '\n';
          else if (e === '\\' || e === '"') value += e;
          else throw new Error(`line ${lineNo}: bad escape \\${e}`);
        } else value += c;
      }
      labels[labelName] = value;
      if (line[pos] === ',') pos++;
      else if (line[pos] !== '}') throw new Error(`line ${lineNo}: expected , or } at ${pos}`);
    }
    pos++;
  }
  if (line[pos] !== ' ') throw new Error(`line ${lineNo}: expected a space before the value`);
  const parts = line.slice(pos + 1).split(' ');
  if (parts.length > 2) throw new Error(`line ${lineNo}: too many fields`);
  const value = parseValue(parts[0] ?? '', lineNo);
  if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) {
    throw new Error(`line ${lineNo}: bad timestamp ${parts[1]}`);
  }
  return { name, labels, value };
}

function parseValue(text: string, lineNo: number): number {
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (text === 'NaN') return Number.NaN;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) {
    throw new Error(`line ${lineNo}: bad value ${JSON.stringify(text)}`);
  }
  return Number(text);
}

function checkHistogram(f: Family): void {
  const groups = new Map<string, Sample[]>();
  for (const s of f.samples) {
    const { le: _le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  for (const samples of groups.values()) {
    const buckets = samples.filter((s) => s.name === `${f.name}_bucket`);
    const count = samples.find((s) => s.name === `${f.name}_count`);
    const sum = samples.find((s) => s.name === `${f.name}_sum`);
    if (count === undefined || sum === undefined)
      throw new Error(`${f.name}: _count or _sum missing`);
    let previousLe = Number.NEGATIVE_INFINITY;
    let previous = 0;
    for (const b of buckets) {
      const le = parseValue(b.labels.le ?? '', 0);
      if (!(le > previousLe)) throw new Error(`${f.name}: buckets not in increasing le order`);
      if (b.value < previous) throw new Error(`${f.name}: bucket counts are not cumulative`);
      previousLe = le;
      previous = b.value;
    }
    const inf = buckets.at(-1);
    if (inf?.labels.le !== '+Inf') throw new Error(`${f.name}: no +Inf bucket`);
    if (inf.value !== count.value) throw new Error(`${f.name}: +Inf bucket differs from _count`);
  }
}
