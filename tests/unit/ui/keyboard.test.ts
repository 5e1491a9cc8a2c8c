import { describe, expect, it } from 'vitest';
import { SEARCH_SHORTCUTS, searchActionFor } from '../../../src/ui/keyboard';

const press = (key: string, extra: Partial<{ ctrlKey: boolean; tagName: string }> = {}) =>
  searchActionFor({ key, ctrlKey: extra.ctrlKey ?? false, metaKey: false, altKey: false, target: { tagName: extra.tagName ?? 'BODY', isContentEditable: false } } as unknown as KeyboardEvent);

describe('search shortcuts', () => {
  it('maps each documented key to its action, case-insensitively', () => {
    for (const s of SEARCH_SHORTCUTS) expect(press(s.key)).toBe(s.action);
    expect(press('E')).toBe('epoch');
    expect(new Set(SEARCH_SHORTCUTS.map((s) => s.key)).size).toBe(SEARCH_SHORTCUTS.length);
  });

  it('ignores keys typed into fields, with modifiers, or unbound', () => {
    expect(press('e', { tagName: 'INPUT' })).toBeNull();
    expect(press('p', { tagName: 'SELECT' })).toBeNull();
    expect(press('r', { ctrlKey: true })).toBeNull();
    expect(press('x')).toBeNull();
  });
});
