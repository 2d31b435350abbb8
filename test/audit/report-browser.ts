// The headless Chromium the report tests render the officer's page in (no extension, no profile to keep).
import puppeteer, { type Browser } from 'puppeteer-core';
import { CHROMIUM_PATH } from '../helpers/browser.js';

export function launchReportBrowser(): Promise<Browser> {
  return puppeteer.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'] });
}
