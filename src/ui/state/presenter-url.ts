/**
 * Projector mode in the URL (`present=1`), so a teacher can open the lesson link straight into it.
 * It sits beside the lesson's parameters: writeLesson (lesson-url.ts) keeps parameters it does
 * not own, so sharing the lesson keeps this one too.
 */
export const PRESENT_PARAM = 'present';

/** Whether `search` (a location.search string) asks for projector mode. */
export function readPresenting(search: string): boolean {
  const value = new URLSearchParams(search).get(PRESENT_PARAM);
  return value === '1' || value === 'true';
}

/** `url` with projector mode on (present=1) or off (no parameter), the rest of the query kept. */
export function writePresenting(url: URL, isPresenting: boolean): URL {
  const out = new URL(url);
  if (isPresenting) out.searchParams.set(PRESENT_PARAM, '1');
  else out.searchParams.delete(PRESENT_PARAM);
  return out;
}
