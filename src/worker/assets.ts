import { LabError } from '../core/errors';

/** Reads a static file of the app by path relative to the site root ('models/index.json', 'data/…'). */
export type AssetReader = (path: string) => Promise<Uint8Array>;

/**
 * Same-origin reader for the worker: fetches `path` under the app's base URL. A missing file is
 * a LabError naming it (Vite's preview may answer unknown paths with index.html, so HTML is refused).
 */
export function fetchAssetReader(base: string): AssetReader {
  return async (path) => {
    const url = new URL(path, base);
    let response: Response;
    try {
      response = await fetch(url);
    } catch (err) {
      throw new LabError(`Could not read ${path} (${(err as Error).message}).`, { file: path, field: 'url', fix: 'Check that the lab is served with its public/ folder.' });
    }
    const type = response.headers.get('content-type') ?? '';
    if (!response.ok || (type.includes('text/html') && !path.endsWith('.html'))) {
      throw new LabError(`${path} is not on the server (HTTP ${response.status}).`, { file: path, field: 'url', fix: 'Rebuild the app so public/ holds the demo models and data (npm run prepare-data, npm run train-demos).' });
    }
    return new Uint8Array(await response.arrayBuffer());
  };
}

/** Decodes UTF-8 JSON read through an AssetReader. */
export async function readJson<T>(read: AssetReader, path: string): Promise<T> {
  const bytes = await read(path);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as T;
  } catch {
    throw new LabError(`${path} is not valid JSON.`, { file: path, field: 'json', fix: 'Regenerate the file (npm run train-demos / prepare-data).' });
  }
}
