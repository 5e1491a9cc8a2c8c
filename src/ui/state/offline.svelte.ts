/// <reference types="vite-plugin-pwa/vanillajs" />
/**
 * The service worker as the page sees it: registered in production builds only (dev, unit tests
 * and `vite` itself never get one), with two things to tell the user: the lab now works offline,
 * and a new version is ready (reload when it suits the lesson).
 */
export class OfflineState {
  isOfflineReady = $state(false);
  needsRefresh = $state(false);
  #update: ((reloadPage?: boolean) => Promise<void>) | null = null;
  #isReloading = false;

  async register(): Promise<void> {
    if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
    const { registerSW } = await import('virtual:pwa-register');
    this.#update = registerSW({
      onOfflineReady: () => (this.isOfflineReady = true),
      onNeedRefresh: () => (this.needsRefresh = true),
      // Another tab took the update: this one follows (a running search resumes from its checkpoint).
      onNeedReload: () => this.#reloadOnce(),
      // A blocked registration (private mode, a test browser) only loses offline use.
      onRegisterError: (err: unknown) => console.warn('The lab will not work offline:', err),
    });
  }

  /** Activates the waiting version; the page reloads when it takes over. */
  update(): void {
    this.needsRefresh = false;
    // vite-plugin-pwa only reloads pages that had a controller when they loaded, and the page of
    // the first visit had none; so wait for the switch here too.
    navigator.serviceWorker.addEventListener('controllerchange', () => this.#reloadOnce(), { once: true });
    void this.#update?.(true);
  }

  #reloadOnce(): void {
    if (this.#isReloading) return;
    this.#isReloading = true;
    location.reload();
  }

  dismiss(): void {
    this.isOfflineReady = false;
    this.needsRefresh = false;
  }
}
