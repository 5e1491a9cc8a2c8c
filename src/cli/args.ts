/**
 * A small flag parser for the CLI commands, in the spirit of tfjs-examples' mnist-node:
 * every flag has a type, a default and a help string; `--help` prints them.
 */
export type FlagSpec =
  | { type: 'string'; default: string | null; help: string }
  | { type: 'number'; default: number | null; help: string }
  | { type: 'boolean'; default: boolean; help: string };

export type FlagValues<S extends Record<string, FlagSpec>> = {
  [K in keyof S]: S[K] extends { type: 'number' } ? number | (S[K]['default'] & null) : S[K] extends { type: 'boolean' } ? boolean : string | (S[K]['default'] & null);
};

export class UsageError extends Error {
  override name = 'UsageError';
}

/** Parses `--name value`, `--name=value` and boolean `--flag`; returns flags and positionals. */
export function parseArgs<S extends Record<string, FlagSpec>>(argv: string[], spec: S): { flags: FlagValues<S>; positional: string[]; isHelp: boolean } {
  const flags: Record<string, unknown> = {};
  for (const [name, s] of Object.entries(spec)) flags[name] = s.default;
  const positional: string[] = [];
  let isHelp = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      isHelp = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    const [rawName, inline] = arg.slice(2).split(/=(.*)/s, 2);
    const s = spec[rawName];
    if (!s) throw new UsageError(`Unknown flag --${rawName}. Known flags: ${Object.keys(spec).map((k) => `--${k}`).join(', ')}.`);
    if (s.type === 'boolean') {
      flags[rawName] = inline === undefined ? true : inline !== 'false';
      continue;
    }
    const value = inline ?? argv[++i];
    if (value === undefined) throw new UsageError(`Flag --${rawName} needs a value (${s.help}).`);
    if (s.type === 'number') {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`Flag --${rawName} must be a number, got "${value}".`);
      flags[rawName] = n;
    } else {
      flags[rawName] = value;
    }
  }
  return { flags: flags as FlagValues<S>, positional, isHelp };
}

/** The `--help` text: one line per flag with its default. */
export function usage(command: string, synopsis: string, spec: Record<string, FlagSpec>): string {
  const lines = Object.entries(spec).map(([name, s]) => `  --${name.padEnd(14)} ${s.help}${s.default !== null && s.default !== false ? ` (default: ${s.default})` : ''}`);
  return `Usage: npm run ${command} -- ${synopsis}\n\n${lines.join('\n')}`;
}

/**
 * Runs a command's `main` when its file is the entry point (not when a test imports it):
 * exit status 0/1 from main, 2 with the usage text for a UsageError, 1 with the LabError's
 * file/field/fix for anything else.
 */
export function runWhenEntry(file: string, command: string, synopsis: string, spec: Record<string, FlagSpec>, main: (argv: string[]) => Promise<number>): void {
  const entry = process.argv[1];
  if (entry === undefined || !entry.endsWith(file)) return;
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof UsageError) {
        console.error(`${err.message}\n\n${usage(command, synopsis, spec)}`);
        process.exit(2);
      }
      const e = err as { message?: string; file?: string; field?: string; fix?: string; stack?: string };
      const lines = [`${command} failed: ${e?.message ?? String(err)}`, e?.file && `  file:  ${e.file}`, e?.field && `  field: ${e.field}`, e?.fix && `  fix:   ${e.fix}`];
      console.error(lines.filter(Boolean).join('\n'));
      if (!e?.field && e?.stack) console.error(e.stack);
      process.exit(1);
    },
  );
}
