/**
 * Cross-origin isolation supplied by the service worker, for hosts that cannot send headers
 * (GitHub Pages, a USB stick served by `python -m http.server`…). wasm threads need
 * SharedArrayBuffer, which needs the page and its workers served with COOP + COEP. Everything
 * the lab loads is same-origin, so `require-corp` blocks nothing.
 */
export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/** `response` with COOP/COEP added where missing; opaque and error responses pass unchanged (their headers cannot be read or set). */
export function withIsolationHeaders(response: Response): Response {
  if (response.status === 0 || response.type === 'opaque' || response.type === 'opaqueredirect') return response;
  const missing = Object.entries(ISOLATION_HEADERS).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const [name, value] of missing) headers.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}
