/**
 * The page's UI language as Svelte state. Paraglide's message functions call getLocale(); we
 * point it at this state, so switching language re-renders every message in place instead of
 * reloading the page (which would drop the search running in the worker).
 */
import { locales, overwriteGetLocale, type Locale } from '../../paraglide/runtime';
import { LANG_PARAM, pickLocale } from './pick-locale';

const state = $state<{ current: Locale }>({ current: pickLocale(globalThis.location?.search ?? '', globalThis.navigator?.languages ?? []) });
overwriteGetLocale(() => state.current);

/** The UI languages, in the order the switcher lists them. */
export const LOCALES: readonly Locale[] = locales;

/** The language the page shows now (reactive). */
export function currentLocale(): Locale {
  return state.current;
}

/** Shows the page in `locale` and records it in the lesson URL (`lang=`), so a shared link opens in the same language. */
export function switchLocale(locale: Locale): void {
  state.current = locale;
  if (typeof document !== 'undefined') document.documentElement.lang = locale;
  if (typeof location !== 'undefined') {
    const url = new URL(location.href);
    url.searchParams.set(LANG_PARAM, locale);
    history.replaceState(history.state, '', url);
  }
}

/** Sets <html lang> for the language the page opened in. */
export function applyInitialLocale(): void {
  if (typeof document !== 'undefined') document.documentElement.lang = state.current;
}
