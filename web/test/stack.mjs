// A fresh local stack for the browser tests, started the way `make run` starts it: bin/octo migrate
// and seed into a new data directory, then bin/octo-gateway on a free port. The gateway's JSON log
// lines are kept, so a test can find the request a page made (and its trace id).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const root = resolve(import.meta.dirname, '../..');

function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.once('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

/** Starts the stack; returns {base, dataDir, requests(), mailLink(to, re), stop()}. */
export async function startStack() {
  const dataDir = mkdtempSync(join(tmpdir(), 'octo-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const db = { ...process.env, OCTO_DB_DRIVER: 'sqlite', OCTO_DB_DSN: join(dataDir, 'octo.db') };
  execFileSync(join(root, 'bin/octo'), ['migrate'], { env: db, stdio: 'ignore' });
  execFileSync(join(root, 'bin/octo'), ['seed', '--if-empty'], { env: db, stdio: 'ignore' });
  execFileSync(join(root, 'bin/octo'), ['seed', '--activity', '7', '--orders', '120', '--rng-seed', '7'], { env: db, stdio: 'ignore' });
  const env = { ...process.env, PORT: String(port), OCTO_DATA_DIR: dataDir, OCTO_ROOT: root, OCTO_BIN_DIR: join(root, 'bin'),
    OCTO_PUBLIC_URL: base, OCTO_WEB_DIR: join(root, 'web') };
  const proc = spawn(join(root, 'bin/octo-gateway'), [], { env, cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  const lines = [];
  let buf = '';
  proc.stderr.on('data', (d) => {
    buf += d;
    let i;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      try { lines.push(JSON.parse(line)); } catch { /* a function's own output */ }
    }
  });
  const deadline = Date.now() + 60000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`octo-gateway exited with ${proc.exitCode}`);
    try { if ((await fetch(`${base}/api/categories`)).ok) break; } catch { /* not yet */ }
    if (Date.now() > deadline) throw new Error('the stack did not answer within 60 s');
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    base, dataDir,
    /** The gateway's request log lines. */
    requests: () => lines.filter((l) => l.msg === 'request'),
    /**
     * The first match of re in the mails to an address, newest mail first; waits up to 15 s for it
     * (a function delivers its mail right after its commit, the notifier later). '' when none came.
     */
    async mailLink(to, re) {
      for (const deadline = Date.now() + 15000; ;) {
        const found = this.findMail(to, re);
        if (found || Date.now() > deadline) return found;
        await new Promise((r) => setTimeout(r, 200));
      }
    },
    findMail(to, re) {
      const dir = join(dataDir, 'mail');
      const files = readdirSync(dir).map((f) => join(dir, f)).filter((f) => readFileSync(f, 'utf8').includes(`To: <${to}>`));
      files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
      for (const f of files) {
        const m = readFileSync(f, 'utf8').match(re);
        if (m) return m[0];
      }
      return '';
    },
    async stop() {
      proc.kill('SIGINT');
      await new Promise((r) => { if (proc.exitCode !== null) r(); else proc.once('exit', r); setTimeout(r, 15000); });
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
