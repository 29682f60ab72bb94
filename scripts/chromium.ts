/**
 * A real Chromium for the storefront's tests and screenshots, driven by
 * playwright-core (which downloads no browser of its own). CHROMIUM_PATH
 * points at one; otherwise Debian's /usr/bin/chromium (`apt-get install -y
 * chromium`) or a Chrome on the usual paths. No browser is an error that
 * says how to get one, never a skipped test.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const KNOWN_PATHS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

// Without the background-networking flags Chromium reaches out to Google's services, which a closed network refuses.
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export function chromiumPath(env: Record<string, string | undefined> = process.env): string {
  const configured = env.CHROMIUM_PATH;
  if (configured) {
    if (!existsSync(configured)) throw new Error(`CHROMIUM_PATH is ${configured}, but there is no file there. Point it at a Chromium or Chrome binary.`);
    return configured;
  }
  const found = KNOWN_PATHS.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      'No Chromium for the storefront\'s browser tests. Install Debian\'s package (as root: `apt-get install -y chromium`; .ci/run does this), ' +
        `or set CHROMIUM_PATH to a Chromium or Chrome binary. Looked in: ${KNOWN_PATHS.join(', ')}.`,
    );
  }
  return found;
}

/** Headless, with a fresh profile of its own (playwright makes a new user data dir for every launch). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: CHROMIUM_ARGS });
}
