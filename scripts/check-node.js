// Fails loudly when npm scripts run on a Node older than the one we pin (node@24 devDependency).
// Written for any Node version: it is the first thing that runs.
var major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    'fleetmon: Node ' +
      process.versions.node +
      ' is too old (need >= 22). ' +
      'Run `npm ci` (not --ignore-scripts) so the pinned node@24 is installed, then use npm scripts.\n',
  );
  process.exit(2);
}
