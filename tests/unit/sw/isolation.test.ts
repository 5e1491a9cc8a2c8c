import { describe, expect, it } from 'vitest';
import { ISOLATION_HEADERS, withIsolationHeaders } from '../../../src/sw/isolation';

describe('withIsolationHeaders', () => {
  it('adds COOP and COEP to an answer from a host that sends neither, keeping status, body and other headers', async () => {
    const plain = new Response('<!doctype html>', { status: 200, statusText: 'OK', headers: { 'Content-Type': 'text/html' } });
    const isolated = withIsolationHeaders(plain);
    expect(isolated.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
    expect(isolated.headers.get('Cross-Origin-Embedder-Policy')).toBe('require-corp');
    expect(isolated.headers.get('Content-Type')).toBe('text/html');
    expect(isolated.status).toBe(200);
    expect(await isolated.text()).toBe('<!doctype html>');
  });

  it('returns an answer that already has both headers unchanged, and never overrides a header the host chose', () => {
    const already = new Response('x', { headers: ISOLATION_HEADERS });
    expect(withIsolationHeaders(already)).toBe(already);
    const credentialless = withIsolationHeaders(new Response('x', { headers: { 'Cross-Origin-Embedder-Policy': 'credentialless' } }));
    expect(credentialless.headers.get('Cross-Origin-Embedder-Policy')).toBe('credentialless');
    expect(credentialless.headers.get('Cross-Origin-Opener-Policy')).toBe('same-origin');
  });

  it('passes an error answer through', () => {
    const error = Response.error();
    expect(withIsolationHeaders(error)).toBe(error);
  });
});
