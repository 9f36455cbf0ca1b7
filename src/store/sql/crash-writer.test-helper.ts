// A process that writes scans to an SQLite history file as fast as it can, printing each one
// it finished, until it is killed: the victim of sqlite-crash.test.ts.
//   node crash-writer.test-helper.ts PATH START_TS

import { testScan } from '../backends.test-helper.ts';
import { openStore } from '../open-store.ts';
import { DEFAULT_RETENTION } from '../retention.ts';

const [path = '', start = '0'] = process.argv.slice(2);
const store = await openStore(
  { kind: 'sqlite', path },
  { mode: 'write', retention: DEFAULT_RETENTION },
);
await store.migrate({ dryRun: false });
const rows = Array.from(
  { length: 3000 },
  (_, k) => [`10.9.${k >> 8}.${k & 255}`, `S${k % 12}`, k % 100, (k * 7) % 100] as const,
);
for (let i = 0; ; i++) {
  const ts = Number(start) + i * 1000;
  const outcome = await store.writer.writeScan(
    testScan(
      ts,
      rows.map(([ip, s, c, m]) => [ip, s, (c + i) % 100, m]),
    ),
  );
  process.stdout.write(`${outcome} ${ts}\n`);
}
