import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests in Debian's Chromium (Playwright's own browser download is not reachable
 * here) on a phone-sized screen, the admin's specs on a desktop screen as well. The stack under
 * test is described by the JSON file named in STACK_FILE (default .local/stack.json, written by
 * `npm start`).
 */

/** Debian's Chromium, headless, without the background traffic a test does not want. */
const launchOptions = {
  executablePath: '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
};

export default defineConfig({
  testDir: 'tests/e2e',
  workers: 2,
  retries: 0,
  // Whole journeys (pay, wait, log in through FreeRADIUS) on a 2-core machine running the stack.
  timeout: 60_000,
  reporter: 'list',
  outputDir: 'test-results',
  use: {
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    // The portal's own specs also run on a small Android screen; not the login-target attacks,
    // whose subject is what the portal refuses, not how it looks (they run on the phone).
    {
      name: 'small-android',
      testMatch: /portal-(?!login-target).*\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        viewport: { width: 360, height: 640 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        launchOptions,
      },
    },
    {
      name: 'phone',
      use: {
        browserName: 'chromium',
        viewport: { width: 390, height: 844 },
        deviceScaleFactor: 3,
        isMobile: true,
        hasTouch: true,
        launchOptions,
      },
    },
    // The admin on a laptop or desktop screen (a mouse, no touch): a representative subset, as
    // every admin spec would add over 3 minutes on a 2-core machine (200 s against 260 s for the
    // phone), this subset about 70 s.
    {
      name: 'desktop',
      testMatch: /admin(-(dashboard|vouchers|payments|customers|paging))?\.spec\.ts$/,
      use: {
        browserName: 'chromium',
        viewport: { width: 1280, height: 800 },
        deviceScaleFactor: 1,
        isMobile: false,
        hasTouch: false,
        launchOptions,
      },
    },
  ],
});
