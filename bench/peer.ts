/**
 * The PyTorch peer (`../shared/peers/torch_search_epoch.py`): the lab's search epoch on
 * mnist-cnn `conv unit 2` written in PyTorch, run right beside the lab's own rows for the same
 * workload (preset, examples per split, thread count), so the lab/PyTorch ratio comes from one
 * run under one load. Without /usr/bin/python3 + torch the rows say how to get them and the
 * bench carries on.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import type { PresetName } from '../src/core/search/presets';

/** The model and block the peer mirrors (its rows compare only with these). */
export const PEER_MODEL = 'mnist-cnn';
export const PEER_BLOCK = 'conv unit 2';
export const PEER_UNAVAILABLE_FIX = 'apt-get install -y python3-torch';
/** `beside` suffix of the one-thread reference rows run next to a multi-threaded backend. */
export const REFERENCE_SUFFIX = ' (1-thread reference)';

/** One peer configuration: the lab row it sits beside. */
export interface PeerConfig {
  preset: PresetName;
  perSplit: number;
  threads: number;
}

/** The peer's figures for one configuration, measured `runs.length` times back to back. */
export interface PeerRun extends PeerConfig {
  /** Which lab rows it ran beside, e.g. "chromium wasm". */
  beside: string;
  /** Median of `runs` (samples/s, counted as the lab counts); null when unavailable. */
  samplesPerSecond: number | null;
  runs: number[];
  secondsPerEpoch: number | null;
  /** os.loadavg() just before the peer ran (right after the lab rows it sits beside). */
  loadAverage: number[];
  /** '' when it ran; otherwise why not (with the fix). */
  unavailable: string;
}

export interface PeerOptions {
  python: string;
  script: string;
  /** Peer epochs per configuration (each its own process: one warm-up + one timed epoch); the median counts. */
  repeats: number;
  timeoutMs: number;
}

export const DEFAULT_PEER: PeerOptions = { python: '/usr/bin/python3', script: '../shared/peers/torch_search_epoch.py', repeats: 3, timeoutMs: 180_000 };

/** Parses the peer's one result line; null when it is not there. */
export function parsePeerLine(stdout: string): { samplesPerSecond: number; secondsPerEpoch: number; threads: number } | null {
  const m = /threads=(\d+):\s*([\d.]+) samples\/s \(([\d.]+) s\/epoch\)/.exec(stdout);
  return m ? { threads: Number(m[1]), samplesPerSecond: Number(m[2]), secondsPerEpoch: Number(m[3]) } : null;
}

/** Largest over smallest run: above UNSTABLE_SPREAD the load changed while the peer ran (one run lost its cores). */
export const UNSTABLE_SPREAD = 1.5;
export function spread(runs: number[]): number {
  return runs.length ? Math.max(...runs) / Math.min(...runs) : Number.NaN;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function run(file: string, args: string[], timeoutMs: number): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) || (err ? err.message : '') });
    });
  });
}

/** '' when the peer can run here, else the reason with the fix. */
export async function peerAvailability(options: PeerOptions): Promise<string> {
  if (!existsSync(options.script)) return `peer unavailable: ${options.script} not found`;
  if (!existsSync(options.python)) return `peer unavailable: no ${options.python} (${PEER_UNAVAILABLE_FIX})`;
  const probe = await run(options.python, ['-c', 'import torch; print(torch.__version__)'], 60_000);
  return probe.code === 0 ? '' : `peer unavailable: ${PEER_UNAVAILABLE_FIX}`;
}

/** The torch version the peer runs on ('' when unavailable). */
export async function torchVersion(options: PeerOptions): Promise<string> {
  const probe = await run(options.python, ['-c', 'import torch; print(torch.__version__)'], 60_000);
  return probe.code === 0 ? probe.stdout.trim() : '';
}

/** Runs the peer for each configuration (`repeats` times each, back to back) and returns its rows. */
export async function runPeer(configs: PeerConfig[], beside: string, options: PeerOptions, log: (line: string) => void): Promise<PeerRun[]> {
  const unavailable = await peerAvailability(options);
  const out: PeerRun[] = [];
  for (const c of configs) {
    const loadAverage = os.loadavg();
    const row: PeerRun = { ...c, beside, samplesPerSecond: null, runs: [], secondsPerEpoch: null, loadAverage, unavailable };
    if (!unavailable) {
      const seconds: number[] = [];
      for (let k = 0; k < options.repeats; k++) {
        const r = await run(options.python, [options.script, c.preset, String(c.perSplit), String(c.threads)], options.timeoutMs);
        const parsed = parsePeerLine(r.stdout);
        if (!parsed) {
          row.unavailable = `peer failed (exit ${r.code ?? 'timeout'}): ${r.stderr.trim().split('\n').at(-1) ?? ''}`.slice(0, 200);
          break;
        }
        row.runs.push(parsed.samplesPerSecond);
        seconds.push(parsed.secondsPerEpoch);
      }
      if (row.runs.length) {
        row.samplesPerSecond = median(row.runs);
        row.secondsPerEpoch = median(seconds);
      }
    }
    log(`  peer beside ${beside}: ${c.preset} N=${c.perSplit} threads=${c.threads}: ${row.samplesPerSecond === null ? row.unavailable : `${row.samplesPerSecond.toFixed(1)} samples/s (runs ${row.runs.map((r) => r.toFixed(0)).join(', ')})`} (load ${loadAverage.map((l) => l.toFixed(2)).join('/')})`);
    out.push(row);
  }
  return out;
}

/** Peer configurations beside a backend's rows: its presets at its examples per split and thread count. */
export function peerConfigsFor(presets: readonly PresetName[], perSplit: number, threads: number): PeerConfig[] {
  return presets.map((preset) => ({ preset, perSplit, threads }));
}
