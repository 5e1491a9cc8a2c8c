/** Compiles the message catalogue to src/paraglide (what the Vite plugin does on dev/build), for svelte-check and tsc. */
import { compile } from '@inlang/paraglide-js';
import { PARAGLIDE_OPTIONS } from '../vite.config';

await compile(PARAGLIDE_OPTIONS);
