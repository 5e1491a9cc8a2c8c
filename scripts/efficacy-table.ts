/**
 * `npx tsx scripts/efficacy-table.ts reports/eff-*` — the efficacy table of the README from
 * repair reports (report.json written by `npm run repair -- --baselines`): accuracy on the
 * targeted corruption's held-out images and on the clean held-out images, before and after,
 * per method, mean ± spread (min–max half-range) over the seeds found.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepairReport } from '../src/core/repair/report';

const reports = process.argv.slice(2).map((dir) => JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as RepairReport);
const byModel = new Map<string, RepairReport[]>();
for (const r of reports) byModel.set(r.model.name, [...(byModel.get(r.model.name) ?? []), r]);

const pct = (xs: number[]) => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const spread = xs.length > 1 ? (Math.max(...xs) - Math.min(...xs)) / 2 : 0;
  return xs.length > 1 ? `${(100 * mean).toFixed(1)} ± ${(100 * spread).toFixed(1)}` : (100 * mean).toFixed(1);
};
const meanOthers = (rows: RepairReport['results'][number]['rows'], target: string) => {
  const others = rows.filter((r) => r.label !== 'clean' && r.label !== target);
  return others.reduce((a, r) => a + r.accuracy, 0) / Math.max(1, others.length);
};

console.log('| model (drift) | seeds | method | clean % | targeted corruption % | mean of the other corruptions % |');
console.log('|---|---|---|---|---|---|');
for (const [model, rs] of byModel) {
  const target = rs[0].drift.corruption;
  for (const name of rs[0].results.map((m) => m.name)) {
    const rows = rs.map((r) => r.results.find((m) => m.name === name)!.rows);
    const at = (label: string) => rows.map((rr) => rr.find((r) => r.label === label)!.accuracy);
    const label = rs[0].results.find((m) => m.name === name)!.label;
    console.log(`| ${model} (${target} s${rs[0].drift.severity}) | ${rs.map((r) => (r.settings as { seed: number }).seed).join(', ')} | ${label} | ${pct(at('clean'))} | ${pct(at(target))} | ${pct(rows.map((rr) => meanOthers(rr, target)))} |`);
  }
}
