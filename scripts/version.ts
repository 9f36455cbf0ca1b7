// Prints the version a build made now would carry (`0.2.0+build.57.g1a2b3c4`), or with `--json`
// the version, build number and commit: what scripts/image-build.sh labels the image with.
import { readStamp } from './build-stamp.ts';

try {
  const stamp = readStamp();
  const json = process.argv.includes('--json');
  process.stdout.write(json ? `${JSON.stringify(stamp)}\n` : `${stamp.version}\n`);
} catch (err) {
  process.stderr.write(`version: ${(err as Error).message}\n`);
  process.exitCode = 2;
}
