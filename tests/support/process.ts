// Child processes for tests that need a real second process (npm start, a database server, a second hub).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Child { proc: ChildProcess; output: () => string; waitFor(re: RegExp, ms?: number): Promise<RegExpMatchArray>; stop(): Promise<void> }

export function spawnTsx(script: string, args: string[], env: Record<string, string> = {}): Child {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout!.on('data', (d) => (out += d));
  proc.stderr!.on('data', (d) => (out += d));
  return {
    proc,
    output: () => out,
    waitFor(re, ms = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => { clearInterval(poll); reject(new Error(`timed out waiting for ${re}; output:\n${out}`)); }, ms);
        const poll = setInterval(() => {
          const m = out.match(re);
          if (m) { clearInterval(poll); clearTimeout(timer); resolve(m); }
          else if (proc.exitCode !== null) { clearInterval(poll); clearTimeout(timer); reject(new Error(`process exited ${proc.exitCode}; output:\n${out}`)); }
        }, 20);
      });
    },
    stop() {
      if (proc.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGTERM'); setTimeout(() => proc.kill('SIGKILL'), 5000).unref(); });
    },
  };
}

export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
