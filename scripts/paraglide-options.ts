/**
 * How the message catalogue (messages/en.json, messages/ja.json) compiles to typed message
 * functions in src/paraglide (generated, git-ignored): one set of options for the Vite plugin
 * (dev, build, Vitest) and `npm run i18n` (svelte-check, which does not run Vite).
 * The locale comes from ui/i18n/locale.svelte.ts through overwriteGetLocale, so the runtime only
 * needs the global-variable strategy with English as the fallback.
 */
export const PARAGLIDE_OPTIONS = {
  project: './project.inlang',
  outdir: './src/paraglide',
  strategy: ['globalVariable', 'baseLocale'],
  emitTsDeclarations: true,
} as const satisfies { project: string; outdir: string; strategy: ('globalVariable' | 'baseLocale')[]; emitTsDeclarations: boolean };
