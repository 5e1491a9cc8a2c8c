/// <reference lib="webworker" />
/**
 * The lab's service worker (built by vite-plugin-pwa, injectManifest strategy). It precaches the
 * whole app — pages, scripts, the wasm binaries, the demo models and the bundled datasets — so a
 * second visit runs the lesson with the network off. A new version waits until the page says
 * "reload" (the update prompt), so a running search is never swapped out from under the teacher.
 */
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, addPlugins } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { clientsClaim } from 'workbox-core';
import { withIsolationHeaders } from './isolation';

declare const self: ServiceWorkerGlobalScope & { __WB_MANIFEST: (string | { url: string; revision: string | null })[] };

// Every precached answer gets COOP/COEP, so the page and its workers are isolated from the
// second load on even when the host sends no such headers.
addPlugins([{ cachedResponseWillBeUsed: async ({ cachedResponse }) => (cachedResponse ? withIsolationHeaders(cachedResponse) : cachedResponse) }]);
precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();
// Any navigation (the lesson lives in the query string) is answered with the app's page.
registerRoute(new NavigationRoute(createHandlerBoundToURL('index.html')));

// The first install takes the open page at once; later versions wait for the prompt.
clientsClaim();
self.addEventListener('message', (event) => {
  if ((event.data as { type?: string } | null)?.type === 'SKIP_WAITING') void self.skipWaiting();
});
