/** Which UI language a page opens in (pure, so it is tested without a browser). */
import { baseLocale, isLocale, type Locale } from '../../paraglide/runtime';

/** The lesson URL's language parameter (`?lang=ja`). */
export const LANG_PARAM = 'lang';

/** The URL's `lang` when it names a UI language, else the first of the browser's languages we have (ja-JP → ja), else English. */
export function pickLocale(search: string, browserLanguages: readonly string[]): Locale {
  const fromUrl = new URLSearchParams(search).get(LANG_PARAM);
  if (fromUrl && isLocale(fromUrl)) return fromUrl;
  for (const tag of browserLanguages) {
    const primary = tag.toLowerCase().split('-')[0];
    if (isLocale(primary)) return primary;
  }
  return baseLocale;
}
