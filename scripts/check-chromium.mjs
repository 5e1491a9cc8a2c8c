// Fails the e2e step with instructions when no Chromium is installed (never a silent skip).
import { accessSync, constants } from 'node:fs';

const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
try {
  accessSync(path, constants.X_OK);
} catch {
  console.error(`No Chromium at ${path}. The end-to-end tests need a real Chromium.\n` +
    'Install Debian\'s: sudo apt-get update && sudo apt-get install -y chromium\n' +
    'or point CHROMIUM_PATH at another Chromium/Chrome binary.');
  process.exit(1);
}
