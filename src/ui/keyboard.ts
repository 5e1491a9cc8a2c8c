/** Keyboard shortcuts of the Search step, as data (shown on the page and bound once). */
export const SEARCH_SHORTCUTS = [
  { key: 's', action: 'start', label: 'start / reset the search' },
  { key: 'e', action: 'epoch', label: 'step one epoch' },
  { key: 'a', action: 'alpha', label: 'step α only (architecture)' },
  { key: 'w', action: 'weights', label: 'step weights only' },
  { key: 'r', action: 'run', label: 'run the planned epochs / resume' },
  { key: 'c', action: 'converge', label: 'run until validation stops improving' },
  { key: 'p', action: 'pause', label: 'pause after the running epoch' },
  { key: 'd', action: 'derive', label: 'derive + fine-tune the cell' },
] as const;

export type SearchAction = (typeof SEARCH_SHORTCUTS)[number]['action'];

/** The action bound to a key press, or null (ignored while typing in a field or with modifiers). */
export function searchActionFor(event: KeyboardEvent): SearchAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const target = event.target as HTMLElement | null;
  if (target && (target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName))) return null;
  return SEARCH_SHORTCUTS.find((s) => s.key === event.key.toLowerCase())?.action ?? null;
}
