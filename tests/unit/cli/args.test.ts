import { describe, expect, it } from 'vitest';
import { parseArgs, usage, UsageError } from '../../../src/cli/args';

const spec = {
  model: { type: 'string', default: 'mnist-cnn', help: 'model folder or demo name' },
  epochs: { type: 'number', default: 5, help: 'search epochs' },
  json: { type: 'boolean', default: false, help: 'print JSON' },
} as const;

describe('CLI flags', () => {
  it('applies defaults and parses both flag forms and positionals', () => {
    const { flags, positional } = parseArgs(['dir', '--epochs', '3', '--model=x', '--json'], spec);
    expect(flags).toEqual({ model: 'x', epochs: 3, json: true });
    expect(positional).toEqual(['dir']);
    expect(parseArgs([], spec).flags).toEqual({ model: 'mnist-cnn', epochs: 5, json: false });
  });

  it('rejects unknown flags, missing values and non-numbers with the reason', () => {
    expect(() => parseArgs(['--epoch', '3'], spec)).toThrow(UsageError);
    expect(() => parseArgs(['--epoch', '3'], spec)).toThrow(/Unknown flag --epoch/);
    expect(() => parseArgs(['--epochs'], spec)).toThrow(/needs a value/);
    expect(() => parseArgs(['--epochs', 'many'], spec)).toThrow(/must be a number/);
  });

  it('documents every flag with its default', () => {
    const text = usage('repair', '[flags]', spec);
    expect(text).toContain('--epochs');
    expect(text).toContain('(default: 5)');
    expect(text).not.toContain('(default: false)');
  });
});
