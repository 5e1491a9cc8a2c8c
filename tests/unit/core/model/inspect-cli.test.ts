import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { formatBlockTable, resolveModelDir } from '../../../../src/cli/inspect';
import { LabError } from '../../../../src/core/errors';
import { validateModelFolder } from '../../../../src/core/model/load-folder';
import { buildBlockGraph } from '../../../../src/core/model/block-graph';

const run = promisify(execFile);
const FIXTURES = 'tests/fixtures/models';

/** Runs `npm run inspect` (tsx) and returns its exit status and output. */
async function inspect(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('npx', ['tsx', 'src/cli/inspect.ts', ...args], { timeout: 60_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('inspect CLI', () => {
  it('formats one row per block with shapes, params and MACs', async () => {
    const validated = await validateModelFolder(`${FIXTURES}/tiny-resnet-3-shards`);
    const table = formatBlockTable(buildBlockGraph(validated.flat)).split('\n');
    expect(table[0]).toMatch(/^#\s+block\s+kind\s+layers\s+input\s+output\s+stride\s+params\s+MACs$/);
    expect(table).toHaveLength(2 + 4 + 1);
    expect(table[4]).toMatch(/^2\s+residual 2\s+residual\s+5\s+\[8×8×4\]\s+\[4×4×8\]\s+2\s+920\s+14\.5k$/);
    expect(table[6]).toMatch(/total.*1387/);
  });

  it('resolves folders and demo names, and explains an unknown name', () => {
    expect(resolveModelDir(`${FIXTURES}/tiny-cnn`)).toMatch(/tests\/fixtures\/models\/tiny-cnn$/);
    expect(() => resolveModelDir('no-such-demo')).toThrow(LabError);
    expect(() => resolveModelDir('no-such-demo')).toThrow(/neither a folder nor a demo model in public\/models/);
  });

  it('prints the table for a good model and JSON with --json', async () => {
    const table = await inspect(`${FIXTURES}/tm-like`);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/tm-like: input \[12×12×3\], 3 classes \(red, green, blue\), 3 files, loads in tfjs/);
    expect(table.stdout).toMatch(/^3\s+head\s+head/m);
    const json = await inspect(`${FIXTURES}/tiny-cnn`, '--json', '--load=false');
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as { graph: { blocks: unknown[] } }).graph.blocks).toHaveLength(3);
  }, 60_000);

  it('prints the reason and exits with status 1 for a broken model', async () => {
    const result = await inspect(`${FIXTURES}/broken-missing-shard`);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: The weight file group1-shard2of2\.bin listed in model\.json is missing/);
    expect(result.stderr).toMatch(/fix: +Add group1-shard2of2\.bin/);
  }, 60_000);
});
