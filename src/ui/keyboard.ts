/** Keyboard shortcuts of the Search step, as data (shown on the page and bound once). */
import { m } from '../paraglide/messages';

export const SEARCH_SHORTCUTS = [
  { key: 's', action: 'start', get label() { return m.key_start(); } },
  { key: 'e', action: 'epoch', get label() { return m.key_epoch(); } },
  { key: 'a', action: 'alpha', get label() { return m.key_alpha(); } },
  { key: 'w', action: 'weights', get label() { return m.key_weights(); } },
  { key: 'r', action: 'run', get label() { return m.key_run(); } },
  { key: 'c', action: 'converge', get label() { return m.key_converge(); } },
  { key: 'p', action: 'pause', get label() { return m.key_pause(); } },
  { key: 'd', action: 'derive', get label() { return m.key_derive(); } },
] as const;

export type SearchAction = (typeof SEARCH_SHORTCUTS)[number]['action'];

/** The action bound to a key press, or null (ignored while typing in a field or with modifiers). */
export function searchActionFor(event: KeyboardEvent): SearchAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const target = event.target as HTMLElement | null;
  if (target && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName))) return null;
  return SEARCH_SHORTCUTS.find((s) => s.key === event.key.toLowerCase())?.action ?? null;
}
