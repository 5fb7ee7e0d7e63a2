// Builds the web app only when its inputs changed (`npm start` runs this): a SHA-256 over the web package's sources
// and configuration, the workspace packages it imports (contract, domain) and the lockfile is compared with the
// stamp the last build left in packages/web/dist/.build-stamp. `--force` builds regardless.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dist = path.join(root, 'packages/web/dist');
const stampFile = path.join(dist, '.build-stamp');
const inputs = ['packages/web', 'packages/contract/src', 'packages/contract/package.json', 'packages/domain/src', 'packages/domain/package.json', 'package-lock.json'];
const skip = new Set(['node_modules', 'dist', '.vite', 'test-results']);

function* files(relative) {
  const full = path.join(root, relative);
  const stat = fs.statSync(full, { throwIfNoEntry: false });
  if (!stat) return;
  if (stat.isFile()) {
    yield relative;
    return;
  }
  for (const entry of fs.readdirSync(full, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    if (skip.has(entry.name)) continue;
    yield* files(path.join(relative, entry.name));
  }
}

const hash = createHash('sha256');
for (const input of inputs) {
  for (const file of files(input)) {
    hash.update(`${file}\0`);
    hash.update(fs.readFileSync(path.join(root, file)));
    hash.update('\0');
  }
}
const stamp = hash.digest('hex');
const force = process.argv.includes('--force');
const built = fs.existsSync(path.join(dist, 'index.html')) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, 'utf8').trim() === stamp;
if (built && !force) {
  process.stdout.write('web app unchanged since its last build: not rebuilt\n');
  process.exit(0);
}
const result = spawnSync('npm', ['run', 'build', '-w', '@keel/web'], { cwd: root, stdio: 'inherit' });
if (result.status !== 0) process.exit(result.status ?? 1);
fs.writeFileSync(stampFile, `${stamp}\n`);
