/**
 * `npm run efficacy [-- --jobs 2 --seeds 1,2,3,4,5 --models mnist-cnn,mnist-resnet,fashion-cnn]`
 * regenerates the README's efficacy table (between the `efficacy:start` / `efficacy:end`
 * markers): every demo model repaired for its card's worst corruption (severity 3) with the
 * lab's EFFICACY budget, every method (original, ArchRepair, the weight baselines and the random
 * genotype, all on the same data, steps and selection rule), per seed; then the mean and a 95 %
 * interval (t, n − 1) of the paired per-seed differences to the original and to network-level
 * fine-tuning. Each run's report is kept in reports/efficacy/<model>-s<seed>.json, and a run
 * whose report exists is not repeated (delete the folder to start over).
 * `--dev` runs the development drifts instead (settings are chosen there, never on the table).
 * `--repair-flags "--guard=false"` passes more flags to every `npm run repair` (to measure a variant).
 * `--sweep 3e-4,1e-3,3e-3` runs the development drifts once per learning rate (ArchRepair's
 * fine-tune and every weight baseline at that rate) and picks each method's rate by the
 * selection rule's own score on validation (lrSweepTable); config.ts records the picks.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { CORRUPTION_FAMILY, type CorruptionName } from '../src/core/data/corruptions';
import type { RepairReport } from '../src/core/repair/report';
import { EFFICACY_RUN, DEVELOPMENT_DRIFTS, efficacyRows, efficacyTable, lrSweepTable, type EfficacyRun } from './efficacy-table';

const args = process.argv.slice(2);
const flag = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const outDir = resolve(flag('out', 'reports/efficacy'));
const repairFlags = flag('repair-flags', '').split(' ').filter(Boolean);

async function runOne(run: EfficacyRun, dir = outDir, extra: readonly string[] = ['--suite-severities', '1,3,5']): Promise<RepairReport> {
  const file = join(dir, `${run.model}-${run.corruption}-s${run.seed}.json`);
  if (existsSync(file)) return JSON.parse(await readFile(file, 'utf8')) as RepairReport;
  const cli = [
    'tsx', 'src/cli/repair.ts', '--model', run.model, '--corruption', run.corruption, '--seed', String(run.seed), '--baselines', '--quiet',
    '--out', join(dir, `${run.model}-${run.corruption}-s${run.seed}`), ...EFFICACY_RUN, ...extra, ...repairFlags,
  ];
  const started = Date.now();
  await new Promise<void>((done, fail) => {
    const child = spawn('npx', cli, { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('exit', (code) => (code === 0 ? done() : fail(new Error(`${cli.join(' ')} exited with ${code}`))));
  });
  const report = JSON.parse(await readFile(join(dir, `${run.model}-${run.corruption}-s${run.seed}`, 'report.json'), 'utf8')) as RepairReport;
  await writeFile(file, JSON.stringify(report));
  console.log(`${run.model} ${run.corruption} seed ${run.seed}: ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return report;
}

async function main(): Promise<void> {
  if (args.includes('--help')) {
    console.log('npm run efficacy [-- --jobs 2] [--seeds 1,2,3,4,5] [--models a,b] [--dev | --sweep 3e-4,1e-3,3e-3] [--write-readme] [--out reports/efficacy] [--repair-flags "--guard=false"]');
    return;
  }
  if (args.includes('--sweep')) return sweep(flag('sweep', '3e-4,1e-3,3e-3').split(',').map(Number), Number(flag('jobs', '2')));
  await mkdir(outDir, { recursive: true });
  const seeds = flag('seeds', '1,2,3,4,5').split(',').map(Number);
  const jobs = Number(flag('jobs', '2'));
  const isDev = args.includes('--dev');
  const models = flag('models', 'mnist-cnn,mnist-resnet,fashion-cnn').split(',');
  const runs: EfficacyRun[] = [];
  if (isDev) for (const d of DEVELOPMENT_DRIFTS) for (const seed of d.seeds) runs.push({ model: d.model, corruption: d.corruption, seed });
  else {
    for (const model of models) {
      const card = JSON.parse(await readFile(join('public/models', model, 'card.json'), 'utf8')) as { worstCorruption: { name: string } };
      for (const seed of seeds) runs.push({ model, corruption: card.worstCorruption.name, seed });
    }
  }
  const reports: RepairReport[] = [];
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < runs.length) reports.push(await runOne(runs[next++]));
  }));
  const table = efficacyTable(efficacyRows(reports), (name) => CORRUPTION_FAMILY[name as CorruptionName]);
  await writeFile(join(outDir, isDev ? 'development.md' : 'table.md'), table);
  console.log(table);
  if (!isDev && args.includes('--write-readme')) {
    const readme = await readFile('README.md', 'utf8');
    const start = '<!-- efficacy:start -->';
    const end = '<!-- efficacy:end -->';
    if (!readme.includes(start) || !readme.includes(end)) throw new Error('README.md has no efficacy markers.');
    await writeFile('README.md', `${readme.slice(0, readme.indexOf(start) + start.length)}\n${table}\n${readme.slice(readme.indexOf(end))}`);
    console.log('README.md efficacy table rewritten.');
  }
}

/** The learning-rate sweep on the development drifts (validation numbers only: no robustness suite). */
async function sweep(rates: number[], jobs: number): Promise<void> {
  const tasks = rates.flatMap((lr) => DEVELOPMENT_DRIFTS.flatMap((d) => d.seeds.map((seed) => ({ lr, run: { model: d.model, corruption: d.corruption, seed } }))));
  const byRate = new Map<number, RepairReport[]>(rates.map((lr) => [lr, []]));
  let next = 0;
  await Promise.all(Array.from({ length: jobs }, async () => {
    while (next < tasks.length) {
      const { lr, run } = tasks[next++];
      byRate.get(lr)!.push(await runOne(run, join(outDir, `sweep-lr-${lr}`), ['--lr', String(lr), '--baseline-lr', String(lr), '--suite=false']));
    }
  }));
  const table = lrSweepTable(byRate);
  await mkdir(outDir, { recursive: true });
  await writeFile(join(outDir, 'lr-sweep.md'), table);
  console.log(table);
}

await main();
