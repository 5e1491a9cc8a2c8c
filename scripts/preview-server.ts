/**
 * `vite preview` of a built site, for the scripts that drive it in Chromium (the browser bench,
 * `npm run lesson:chromium`): started on a port, waited for, and stopped with its process group.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** A running `vite preview`; `stop` ends it (safe to call twice). */
export interface Preview {
  url: string;
  stop: () => void;
}

/** A TCP port that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Waits until `url` answers 200; `hasExited` (the server died) ends the wait early with its reason. */
async function waitForServer(url: string, timeoutMs: number, hasExited: () => string | null = () => null): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await answers(url)) return;
    const exit = hasExited();
    if (exit) throw new Error(`${url} did not come up: ${exit}`);
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000} s`);
}

/** Starts `npx vite preview --port <port> --strictPort [...args]` and resolves once it answers. */
export async function startPreview(port: number, args: readonly string[] = [], timeoutMs = 60_000): Promise<Preview> {
  const url = `http://localhost:${port}/`;
  if (await answers(url)) throw new Error(`Something already answers on port ${port}; stop it or choose another port.`);
  const server = spawn('npx', ['vite', 'preview', ...args, '--port', String(port), '--strictPort'], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  server.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const stop = () => {
    if (server.pid && server.exitCode === null && server.signalCode === null) {
      try {
        process.kill(-server.pid);
      } catch {
        // already gone
      }
    }
  };
  try {
    await waitForServer(url, timeoutMs, () => (server.exitCode !== null ? `vite preview exited with ${server.exitCode}${stderr ? `: ${stderr.trim()}` : ''}` : null));
  } catch (err) {
    stop();
    throw err;
  }
  return { url, stop };
}
