/**
 * Every user-visible string in a component comes from the message catalogue: this parses each
 * .svelte file under src/ui and flags literal text that contains a letter in text nodes, in the
 * attributes people read (aria-label, title, placeholder, alt, label…), in component props, and in
 * string literals that a template expression outputs. Symbols, numbers and code identifiers are
 * allowed below, each with its reason.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'svelte/compiler';
import { describe, expect, it } from 'vitest';

const UI = join(__dirname, '../../../../src/ui');

/** Files not checked, and why. */
const SKIPPED_FILES: Record<string, string> = {
  'Gallery.svelte': 'developer page (?view=gallery) that shows the viz components with made-up data',
};

/** Literal texts allowed in templates, and why. */
const ALLOWED_TEXT: Record<string, string> = {
  s: 'keyboard key (Search step shortcut)',
  e: 'keyboard key',
  a: 'keyboard key',
  w: 'keyboard key',
  r: 'keyboard key',
  c: 'keyboard key',
  p: 'keyboard key',
  d: 'keyboard key',
  'softmax(α)': 'formula',
  α: 'symbol of the architecture weights',
  tfjs: 'code identifier',
};

/** Attributes whose text people read or hear. */
const READ_ATTRIBUTES = new Set(['aria-label', 'aria-valuetext', 'aria-description', 'aria-roledescription', 'title', 'placeholder', 'alt', 'label']);
/** Component props that carry code, not words. */
const CODE_PROPS = new Set(['testId', 'accept', 'direction', 'value', 'name', 'id', 'type', 'class', 'scale', 'lang']);

const hasLetter = (text: string) => /\p{L}/u.test(text);

interface Finding {
  file: string;
  line: number;
  text: string;
}

type Node = { type: string; start?: number; [key: string]: unknown };

/** String literals an expression can output: branches of ?:, || and ??, + operands, template parts, array items; not call arguments or comparisons. */
function outputStrings(node: Node | null | undefined, out: { text: string; start: number }[]): void {
  if (!node) return;
  switch (node.type) {
    case 'Literal':
      if (typeof node.value === 'string') out.push({ text: node.value, start: node.start ?? 0 });
      break;
    case 'TemplateLiteral':
      for (const q of node.quasis as Node[]) out.push({ text: String((q.value as { cooked: string }).cooked ?? ''), start: q.start ?? 0 });
      for (const e of node.expressions as Node[]) outputStrings(e, out);
      break;
    case 'ConditionalExpression':
      outputStrings(node.consequent as Node, out);
      outputStrings(node.alternate as Node, out);
      break;
    case 'LogicalExpression':
      outputStrings(node.left as Node, out);
      outputStrings(node.right as Node, out);
      break;
    case 'BinaryExpression':
      if (node.operator === '+') {
        outputStrings(node.left as Node, out);
        outputStrings(node.right as Node, out);
      }
      break;
    case 'ArrayExpression':
      for (const e of node.elements as Node[]) outputStrings(e, out);
      break;
    case 'CallExpression':
      // `['a', 'b'].join(', ')`, `x.map(...)`: what is called on may be output; the arguments are not.
      if ((node.callee as Node).type === 'MemberExpression') outputStrings((node.callee as Node).object as Node, out);
      break;
    default:
  }
}

function findLiterals(file: string, source: string): Finding[] {
  const ast = parse(source, { modern: true });
  const findings: Finding[] = [];
  const lineOf = (offset: number) => source.slice(0, offset).split('\n').length;
  const flag = (text: string, start: number) => {
    const trimmed = text.trim();
    if (hasLetter(trimmed) && !Object.hasOwn(ALLOWED_TEXT, trimmed)) findings.push({ file, line: lineOf(start), text: trimmed });
  };
  const flagExpression = (expression: Node) => {
    const strings: { text: string; start: number }[] = [];
    outputStrings(expression, strings);
    for (const s of strings) flag(s.text, s.start);
  };
  const checkAttributeValue = (value: unknown) => {
    const parts = Array.isArray(value) ? (value as Node[]) : value && typeof value === 'object' ? [value as Node] : [];
    for (const part of parts) {
      if (part.type === 'Text') flag(String(part.data), part.start ?? 0);
      else if (part.type === 'ExpressionTag') flagExpression(part.expression as Node);
    }
  };

  const visit = (node: unknown, parent: Node | null): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child, parent);
      return;
    }
    const n = node as Node;
    if (n.type === 'Text' && parent?.type !== 'Attribute') flag(String(n.data), n.start ?? 0);
    else if (n.type === 'ExpressionTag' && parent?.type !== 'Attribute') flagExpression(n.expression as Node);
    else if (n.type === 'Attribute') {
      const name = String(n.name);
      const isComponent = parent?.type === 'Component';
      if (READ_ATTRIBUTES.has(name) || (isComponent && !CODE_PROPS.has(name) && !name.startsWith('on'))) checkAttributeValue(n.value);
      return;
    }
    // style:width="{n}px" and class: directives hold CSS and code, not words.
    if (n.type === 'StyleDirective' || n.type === 'ClassDirective') return;
    // Scripts and styles are not template text; element attributes other than the read ones are code (class, href, data-testid…).
    for (const [key, value] of Object.entries(n)) {
      if (key === 'instance' || key === 'module' || key === 'css' || key === 'expression' || key === 'metadata') continue;
      if (key === 'attributes') for (const a of value as Node[]) visit(a, n);
      else visit(value, n);
    }
  };
  visit(ast.fragment, null);
  return findings;
}

function svelteFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return svelteFiles(path);
    return name.endsWith('.svelte') ? [path] : [];
  });
}

describe('no literal user-visible text in components', () => {
  const files = svelteFiles(UI).filter((f) => !Object.hasOwn(SKIPPED_FILES, relative(UI, f)));

  it('finds the components', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('takes every text, label and read attribute from the message catalogue', () => {
    const findings = files.flatMap((f) => findLiterals(relative(UI, f), readFileSync(f, 'utf8')));
    expect(findings.map((f) => `${f.file}:${f.line} ${JSON.stringify(f.text)}`)).toEqual([]);
  });

  it('catches a literal in a text node, an aria-label, a component prop and an output expression', () => {
    const source = `<script>let x = $state(false);</script>
<p>Hello</p><button aria-label="Close">×</button><DropZone label="Drop here" testId="z" /><span>{x ? 'Yes' : m.no()}</span><kbd>s</kbd><p>{n} / {total}</p>`;
    expect(findLiterals('probe.svelte', source).map((f) => f.text)).toEqual(['Hello', 'Close', 'Drop here', 'Yes']);
  });
});
